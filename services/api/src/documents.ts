// POST /api/v1/documents and GET /api/v1/documents/{id}: the upload goes to Blob under the tenant's
// prefix, the record to Cosmos, and a message to the processing queue, in that order, so the
// worker never sees a message for a document that is not stored yet.
import type { Container } from "@azure/cosmos";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { ServiceBusSender } from "@azure/service-bus";
import type { ContainerClient } from "@azure/storage-blob";
import { requireWriter, type Caller } from "../../shared/auth.js";
import { blobNameFor, type DocumentMessage, type DocumentRecord } from "../../shared/documents.js";
import { json, mediaType, readBody } from "../../shared/http.js";
import { ProblemError } from "../../shared/problem.js";
import { claimIdempotencyKey } from "./idempotency.js";

export interface DocumentDependencies {
  documents: Container;
  idempotency: Container;
  blobs: ContainerClient;
  queue: ServiceBusSender;
  maxUploadBytes: number;
}

const toPublic = (doc: DocumentRecord) => ({
  id: doc.id,
  name: doc.name,
  content_type: doc.contentType,
  size: doc.size,
  status: doc.status,
  created_at: doc.createdAt,
  updated_at: doc.updatedAt,
  ...(doc.result && { result: { sha256: doc.result.sha256, bytes: doc.result.bytes, lines: doc.result.lines, processed_at: doc.result.processedAt } }),
  ...(doc.failure && { failure: { reason: doc.failure.reason, attempts: doc.failure.deliveryCount } }),
});

const mediaTypePattern = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** The file name from `Content-Disposition: attachment; filename="…"`, kept to a safe alphabet. */
function fileName(request: HttpRequest): string | undefined {
  const match = /filename="?([^";]+)"?/i.exec(request.headers.get("content-disposition") ?? "");
  return match?.[1].replace(/[^\w.() -]/g, "_").slice(0, 200);
}

export async function uploadDocument(deps: DocumentDependencies, caller: Caller, request: HttpRequest): Promise<HttpResponseInit> {
  requireWriter(caller);
  const contentType = mediaType(request);
  if (!mediaTypePattern.test(contentType)) {
    throw new ProblemError("unsupported-media-type", "send the document with its media type as Content-Type, e.g. application/pdf");
  }
  const content = await readBody(request, deps.maxUploadBytes);
  if (content.length === 0) throw new ProblemError("validation-failed", "the document is empty", { errors: [{ pointer: "", detail: "empty body" }] });
  const name = fileName(request);

  const claim = await claimIdempotencyKey(deps.idempotency, caller.tenantId, "documents", request.headers.get("idempotency-key"), [contentType, name ?? null, content]);
  const id = claim.idFor(0);
  const blobName = blobNameFor(caller.tenantId, id);
  await deps.blobs.getBlockBlobClient(blobName).uploadData(content, {
    blobHTTPHeaders: { blobContentType: contentType },
    metadata: { tenant: caller.tenantId, document: id },
  });

  const now = new Date().toISOString();
  const record: DocumentRecord = { id, tenantId: caller.tenantId, name: name ?? id, contentType, size: content.length, blobName, status: "pending", createdAt: now, updatedAt: now, attempts: 0 };
  const stored = await deps.documents.items.create(record).then(
    ({ resource }) => resource ?? record,
    async (error: { code?: number }) => {
      if (error.code !== 409 || !claim.replayed) throw error;
      return (await deps.documents.item(id, caller.tenantId).read<DocumentRecord>()).resource ?? record;
    },
  );

  const message: DocumentMessage = { schema_version: 1, document_id: id, tenant_id: caller.tenantId };
  // messageId = document id: Service Bus duplicate detection (where enabled) drops a retried send.
  await deps.queue.sendMessages({ body: message, contentType: "application/json", messageId: id });
  return json(202, toPublic(stored), { Location: `/api/v1/documents/${id}` });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getDocument(documents: Container, caller: Caller, id: string): Promise<HttpResponseInit> {
  // A point read in the caller's own partition: another tenant's id is simply not found there.
  const notFound = new ProblemError("not-found", "no document with this id");
  if (!uuidPattern.test(id)) throw notFound;
  const { resource } = await documents.item(id, caller.tenantId).read<DocumentRecord>();
  if (!resource) throw notFound;
  return json(200, toPublic(resource));
}
