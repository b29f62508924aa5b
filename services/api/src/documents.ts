// POST /api/v1/documents and GET /api/v1/documents/{id}, through an outbox: the record comes first
// (so nothing is ever stored unrecorded), then the content in Blob, then the processing message,
// built from the record, and the record notes it was sent. A request cut short anywhere leaves a
// record that the sweeper (sweepOutbox, a timer) finishes: it sends the message when the content
// is stored, and removes the record when the content never arrived. The worker never sees a
// message for a document that is not stored.
import type { Container } from "@azure/cosmos";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { ServiceBusSender } from "@azure/service-bus";
import type { ContainerClient } from "@azure/storage-blob";
import { requireReader, requireWriter, type Caller } from "../../shared/auth.js";
import { blobNameFor, type DocumentMessage, type DocumentRecord } from "../../shared/documents.js";
import { json, mediaType, readBody } from "../../shared/http.js";
import type { Logger } from "../../shared/log.js";
import { ProblemError } from "../../shared/problem.js";
import { claimIdempotencyKey } from "./idempotency.js";

export interface DocumentDependencies {
  documents: Container;
  idempotency: Container;
  blobs: ContainerClient;
  queue: ServiceBusSender;
  maxUploadBytes: number;
  log: Logger;
}

const toPublic = (doc: DocumentRecord) => ({
  id: doc.id,
  name: doc.name,
  content_type: doc.contentType,
  size: doc.size,
  status: doc.status,
  created_at: doc.createdAt,
  updated_at: doc.updatedAt,
  attempts: doc.attempts,
  ...(doc.result && {
    result: {
      sha256: doc.result.sha256,
      bytes: doc.result.bytes,
      lines: doc.result.lines,
      processed_at: doc.result.processedAt,
    },
  }),
  ...(doc.failure && { failure: { reason: doc.failure.reason, attempts: doc.failure.deliveryCount } }),
});

const mediaTypePattern = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** The file name from `Content-Disposition: attachment; filename="…"`, kept to a safe alphabet. */
function fileName(request: HttpRequest): string | undefined {
  const match = /filename="?([^";]+)"?/i.exec(request.headers.get("content-disposition") ?? "");
  return match?.[1].replace(/[^\w.() -]/g, "_").slice(0, 200);
}

const accepted = (doc: DocumentRecord, replayed: boolean) =>
  json(202, toPublic(doc), {
    Location: `/api/v1/documents/${doc.id}`,
    ...(replayed && { "Idempotent-Replayed": "true" }),
  });

export async function uploadDocument(
  deps: DocumentDependencies,
  caller: Caller,
  request: HttpRequest,
): Promise<HttpResponseInit> {
  requireWriter(caller);
  const contentType = mediaType(request);
  if (!mediaTypePattern.test(contentType)) {
    throw new ProblemError(
      "unsupported-media-type",
      "send the document with its media type as Content-Type, e.g. application/pdf",
    );
  }
  const content = await readBody(request, deps.maxUploadBytes);
  if (content.length === 0)
    throw new ProblemError("validation-failed", "the document is empty", {
      errors: [{ pointer: "", detail: "empty body" }],
    });
  const name = fileName(request);

  const claim = await claimIdempotencyKey(
    deps.idempotency,
    caller.tenantId,
    "documents",
    request.headers.get("idempotency-key"),
    [contentType, name ?? null, content],
  );
  const id = claim.idFor(0);
  const item = deps.documents.item(id, caller.tenantId);
  if (claim.completed) {
    // Everything was done the first time: answer as then, and send nothing again.
    const { resource } = await item.read<DocumentRecord>();
    if (resource) return accepted(resource, true);
  }

  const blobName = blobNameFor(caller.tenantId, id);
  const record: DocumentRecord = {
    id,
    tenantId: caller.tenantId,
    name: name ?? id,
    contentType,
    size: content.length,
    blobName,
    status: "pending",
    createdAt: claim.firstSeenAt,
    updatedAt: claim.firstSeenAt,
    attempts: 0,
  };
  const stored = await deps.documents.items.create(record).then(
    ({ resource }) => resource ?? record,
    async (error: { code?: number }) => {
      if (error.code !== 409 || !claim.replayed) throw error;
      return (await item.read<DocumentRecord>()).resource ?? record;
    },
  );
  if (!stored.queuedAt) {
    // Rewriting the same content on a retry converges.
    await deps.blobs.getBlockBlobClient(blobName).uploadData(content, {
      blobHTTPHeaders: { blobContentType: contentType },
      metadata: { tenant: caller.tenantId, document: id },
    });
    try {
      stored.queuedAt = await enqueue(deps, stored);
    } catch (error) {
      // The document is safe in the outbox: the sweeper queues it. The client learns it is stored.
      deps.log("warn", "document stored but not queued; the outbox sweeper will send it", {
        documentId: id,
        error: String(error),
      });
      throw new ProblemError(
        "dependency-unavailable",
        "the document is stored but could not be queued yet; it will be processed, and a retry with the same Idempotency-Key answers 202",
        { id },
        { "Retry-After": "5", Location: `/api/v1/documents/${id}` },
      );
    }
  }
  await claim.complete();
  return accepted(stored, claim.replayed);
}

/** Sends the record's processing message and notes it on the record; returns when it was sent. */
async function enqueue(deps: Pick<DocumentDependencies, "documents" | "queue">, doc: DocumentRecord): Promise<string> {
  const message: DocumentMessage = { schema_version: 1, document_id: doc.id, tenant_id: doc.tenantId };
  // messageId = document id: Service Bus duplicate detection (where enabled) drops a resend, and
  // the worker's transitions are idempotent where it is not.
  await deps.queue.sendMessages({ body: message, contentType: "application/json", messageId: doc.id });
  const queuedAt = new Date().toISOString();
  await deps.documents.item(doc.id, doc.tenantId).patch([{ op: "set", path: "/queuedAt", value: queuedAt }]);
  return queuedAt;
}

/** How long the sweeper leaves an unsent record to the request that wrote it. */
export const OUTBOX_GRACE_MS = 2 * 60_000;
const SWEEP_BATCH = 100;

export interface SweepResult {
  queued: number;
  removed: number;
}

/**
 * Finishes what requests left undone: records older than the grace period whose message was never
 * sent get it sent if their content is stored; without content (the upload never completed, and
 * the client was told so) the record is removed.
 */
export async function sweepOutbox(
  deps: Pick<DocumentDependencies, "documents" | "blobs" | "queue" | "log">,
  now = Date.now(),
  graceMs = OUTBOX_GRACE_MS,
): Promise<SweepResult> {
  const result: SweepResult = { queued: 0, removed: 0 };
  const cutoff = new Date(now - graceMs).toISOString();
  const { resources } = await deps.documents.items
    .query<DocumentRecord>(
      {
        query: "SELECT * FROM c WHERE c.status = 'pending' AND NOT IS_DEFINED(c.queuedAt) AND c.createdAt <= @cutoff",
        parameters: [{ name: "@cutoff", value: cutoff }],
      },
      { maxItemCount: SWEEP_BATCH },
    )
    .fetchNext();
  for (const doc of resources) {
    const stored = await deps.blobs.getBlobClient(doc.blobName).exists();
    if (stored) {
      await enqueue(deps, doc);
      result.queued++;
    } else {
      await deps.documents
        .item(doc.id, doc.tenantId)
        .delete()
        .catch((error: { code?: number }) => {
          if (error.code !== 404) throw error;
        });
      result.removed++;
    }
  }
  if (result.queued + result.removed > 0) deps.log("info", "outbox swept", { ...result });
  return result;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getDocument(documents: Container, caller: Caller, id: string): Promise<HttpResponseInit> {
  // A point read in the caller's own partition: another tenant's id is simply not found there.
  requireReader(caller);
  const notFound = new ProblemError("not-found", "no document with this id");
  if (!uuidPattern.test(id)) throw notFound;
  const { resource } = await documents.item(id, caller.tenantId).read<DocumentRecord>();
  if (!resource) throw notFound;
  return json(200, toPublic(resource));
}
