// Processes one `document-processing` message. Idempotent by construction: every change is a
// conditional (etag) transition of a `pending` record, so a redelivered or concurrently delivered
// message finds the work done and completes without doing it again. Each delivery first records
// its attempt on the record, so a worker killed mid-way still leaves a count behind. Failures are
// recorded and rethrown: the message is abandoned and, after the queue's max delivery count,
// dead-lettered by Service Bus; the attempt that reaches that count marks the record failed, and
// reconcileDeadLetters marks those whose last attempt never got that far.
import { createHash } from "node:crypto";
import type { Item } from "@azure/cosmos";
import type { InvocationContext } from "@azure/functions";
import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import type { ContainerClient } from "@azure/storage-blob";
import type { Container } from "@azure/cosmos";
import { documentMessage, type DocumentRecord } from "../../shared/documents.js";
import { isUnavailable } from "../../shared/http.js";
import type { Logger } from "../../shared/log.js";

export interface WorkerDependencies {
  documents: Container;
  blobs: ContainerClient;
  maxDeliveryCount: number;
  log: Logger;
}

/** A readable failure description for the logs; SDK errors often carry their meaning in code and status only. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, statusCode } = error as Error & { code?: unknown; statusCode?: unknown };
  return [
    error.message || error.name,
    code !== undefined && `code ${String(code)}`,
    statusCode !== undefined && `status ${String(statusCode)}`,
  ]
    .filter(Boolean)
    .join("; ");
}

/** A failure whose message is written for the document's owner. */
export class ProcessingFailure extends Error {}

/** What the document's owner reads in `failure.reason`: never an SDK's own text (hosts, paths, ids). */
export function publicReason(error: unknown): string {
  if (error instanceof ProcessingFailure) return error.message;
  if (isUnavailable(error)) return "a storage service was unavailable";
  return "processing failed unexpectedly";
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

class MissingRecord extends Error {}

/** Concurrent writers of one record: the API noting the message sent, other deliveries. */
const MAX_TRANSITION_TRIES = 5;

/**
 * Applies `change` to the record while it is `pending`, re-reading on a concurrent change; returns
 * the new record, or undefined when it is settled already.
 */
async function updatePending(
  item: Item,
  change: (doc: DocumentRecord) => DocumentRecord,
): Promise<DocumentRecord | undefined> {
  for (let tries = 1; ; tries++) {
    const { resource: doc, etag } = await item.read<DocumentRecord>();
    if (!doc) throw new MissingRecord();
    if (doc.status !== "pending") return undefined;
    try {
      const { resource } = await item.replace<DocumentRecord>(
        { ...change(doc), updatedAt: new Date().toISOString() },
        { accessCondition: { type: "IfMatch", condition: etag } },
      );
      return resource!;
    } catch (error) {
      if (!isPreconditionFailed(error) || tries >= MAX_TRANSITION_TRIES) throw error;
    }
  }
}

export async function processDocumentMessage(
  deps: WorkerDependencies,
  body: unknown,
  context: InvocationContext,
): Promise<void> {
  const deliveryCount = Number(context.triggerMetadata?.deliveryCount ?? 1);
  const fields = { invocationId: context.invocationId, messageId: context.triggerMetadata?.messageId, deliveryCount };
  const parsed = documentMessage.safeParse(body);
  if (!parsed.success) {
    deps.log("error", "poison message: not a document-processing message", {
      ...fields,
      issues: parsed.error.issues.map((i) => i.message),
    });
    throw new Error("message does not match the document-processing schema");
  }
  const { document_id: documentId, tenant_id: tenantId } = parsed.data;
  const item = deps.documents.item(documentId, tenantId);
  const final = deliveryCount >= deps.maxDeliveryCount;
  try {
    const doc = await updatePending(item, (current) => ({
      ...current,
      attempts: Math.max(current.attempts, deliveryCount),
    }));
    if (!doc) {
      deps.log("info", "document already settled; completing the duplicate message", { ...fields, documentId });
      return;
    }
    const content = await deps.blobs
      .getBlobClient(doc.blobName)
      .downloadToBuffer()
      .catch((error: { statusCode?: number }) => {
        throw error.statusCode === 404 ? new ProcessingFailure("the document's blob is missing from storage") : error;
      });
    const result = analyse(content, doc.contentType);
    const processed = await updatePending(item, (current) => ({
      ...current,
      status: "processed",
      result,
      failure: undefined,
    }));
    deps.log("info", processed ? "document processed" : "document already settled; completing the duplicate message", {
      ...fields,
      documentId,
      tenantId,
    });
  } catch (error) {
    if (error instanceof MissingRecord) {
      deps.log("error", "poison message: document record not found", { ...fields, documentId, tenantId });
      throw new Error(`document ${documentId} of tenant ${tenantId} does not exist`);
    }
    const failure = { reason: publicReason(error), deliveryCount, deadLettered: final };
    await updatePending(item, (current) => ({
      ...current,
      status: final ? "failed" : "pending",
      attempts: Math.max(current.attempts, deliveryCount),
      failure,
    })).catch((recordError: unknown) =>
      deps.log("warn", "could not record the failed attempt", {
        ...fields,
        documentId,
        error: describeFailure(recordError),
      }),
    );
    deps.log("warn", "document processing failed", { ...fields, documentId, error: describeFailure(error), final });
    throw error;
  }
}

/** The reason given to a dead-lettered document whose last attempt recorded none. */
const diedReason = (message: ServiceBusReceivedMessage) =>
  message.deadLetterReason === "MaxDeliveryCountExceeded"
    ? "processing stopped before finishing on every delivery"
    : `the processing message was dead-lettered (${message.deadLetterReason ?? "no reason given"})`;

/**
 * Reconciles the dead-letter queue with the records: a dead-lettered message whose document is
 * still `pending` (its last delivery died before recording the outcome) marks the document
 * `failed`, with the last recorded reason if any. Messages stay in the dead-letter queue for
 * operators (and the dead-letter alert); records already settled are left alone.
 */
export async function reconcileDeadLetters(
  deps: Pick<WorkerDependencies, "documents" | "log">,
  deadLetters: ServiceBusReceivedMessage[],
): Promise<number> {
  let marked = 0;
  for (const message of deadLetters) {
    const parsed = documentMessage.safeParse(message.body);
    if (!parsed.success) continue;
    const item = deps.documents.item(parsed.data.document_id, parsed.data.tenant_id);
    const failed = await updatePending(item, (doc) => ({
      ...doc,
      status: "failed",
      failure: {
        reason: doc.failure?.reason ?? diedReason(message),
        deliveryCount: Math.max(doc.attempts, message.deliveryCount ?? 0),
        deadLettered: true,
      },
    })).catch((error: unknown) => {
      if (error instanceof MissingRecord) return undefined;
      throw error;
    });
    if (failed) {
      marked++;
      deps.log("warn", "dead-lettered document marked failed", {
        documentId: failed.id,
        tenantId: failed.tenantId,
        reason: failed.failure?.reason,
      });
    }
  }
  return marked;
}
