// Processes one `document-processing` message. Idempotent by construction: the only state change
// is a conditional (etag) transition of the record from `pending`, so a redelivered or concurrently
// delivered message finds the work done and completes without doing it again. Failures are
// recorded on the record and rethrown: the message is abandoned and, after the queue's max delivery
// count, dead-lettered by Service Bus; the attempt that reaches that count marks the record failed.
import { createHash } from "node:crypto";
import type { Container, Item } from "@azure/cosmos";
import type { InvocationContext } from "@azure/functions";
import type { ContainerClient } from "@azure/storage-blob";
import { documentMessage, type DocumentRecord } from "../../shared/documents.js";
import type { Logger } from "../../shared/log.js";

export interface WorkerDependencies {
  documents: Container;
  blobs: ContainerClient;
  maxDeliveryCount: number;
  log: Logger;
}

/** A readable failure reason; SDK errors often carry their meaning in code and status only. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, statusCode } = error as Error & { code?: unknown; statusCode?: unknown };
  return [error.message || error.name, code !== undefined && `code ${String(code)}`, statusCode !== undefined && `status ${String(statusCode)}`].filter(Boolean).join("; ");
}

const isPreconditionFailed = (error: unknown) => (error as { code?: number }).code === 412;

const textLike = /^(text\/|application\/(json|xml|csv)|application\/[\w.+-]+\+(json|xml)$)/;

/** The processing itself: content fingerprint and, for text, a line count. */
export function analyse(content: Buffer, contentType: string): NonNullable<DocumentRecord["result"]> {
  return {
    sha256: createHash("sha256").update(content).digest("hex"),
    bytes: content.length,
    lines: textLike.test(contentType) ? content.toString("utf8").split("\n").length : 0,
    processedAt: new Date().toISOString(),
  };
}

export async function processDocumentMessage(deps: WorkerDependencies, body: unknown, context: InvocationContext): Promise<void> {
  const deliveryCount = Number(context.triggerMetadata?.deliveryCount ?? 1);
  const fields = { invocationId: context.invocationId, messageId: context.triggerMetadata?.messageId, deliveryCount };
  const parsed = documentMessage.safeParse(body);
  if (!parsed.success) {
    deps.log("error", "poison message: not a document-processing message", { ...fields, issues: parsed.error.issues.map((i) => i.message) });
    throw new Error("message does not match the document-processing schema");
  }
  const { document_id: documentId, tenant_id: tenantId } = parsed.data;
  const item = deps.documents.item(documentId, tenantId);
  const { resource: doc, etag } = await item.read<DocumentRecord>();
  if (!doc) {
    deps.log("error", "poison message: document record not found", { ...fields, documentId, tenantId });
    throw new Error(`document ${documentId} of tenant ${tenantId} does not exist`);
  }
  if (doc.status !== "pending") {
    deps.log("info", "document already settled; completing the duplicate message", { ...fields, documentId, status: doc.status });
    return;
  }

  try {
    const content = await deps.blobs
      .getBlobClient(doc.blobName)
      .downloadToBuffer()
      .catch((error: { statusCode?: number }) => {
        throw error.statusCode === 404 ? new Error(`the document's blob ${doc.blobName} is missing`) : error;
      });
    const processed: DocumentRecord = { ...doc, status: "processed", result: analyse(content, doc.contentType), updatedAt: new Date().toISOString() };
    await item.replace(processed, { accessCondition: { type: "IfMatch", condition: etag } });
    deps.log("info", "document processed", { ...fields, documentId, tenantId });
  } catch (error) {
    if (isPreconditionFailed(error)) {
      // Someone else changed the record meanwhile (another delivery of the same message).
      deps.log("info", "document changed concurrently; leaving it to the other delivery", { ...fields, documentId });
      return;
    }
    await recordFailure(item, etag, doc, deliveryCount, deps.maxDeliveryCount, error);
    deps.log("warn", "document processing failed", { ...fields, documentId, error: describeFailure(error), final: deliveryCount >= deps.maxDeliveryCount });
    throw error;
  }
}

async function recordFailure(item: Item, etag: string, doc: DocumentRecord, deliveryCount: number, maxDeliveryCount: number, error: unknown): Promise<void> {
  const final = deliveryCount >= maxDeliveryCount;
  const failed: DocumentRecord = {
    ...doc,
    status: final ? "failed" : "pending",
    attempts: deliveryCount,
    failure: { reason: describeFailure(error), deliveryCount, deadLettered: final },
    updatedAt: new Date().toISOString(),
  };
  await item.replace(failed, { accessCondition: { type: "IfMatch", condition: etag } }).catch((replaceError: unknown) => {
    if (!isPreconditionFailed(replaceError)) throw replaceError;
  });
}
