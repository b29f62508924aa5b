// POST/GET /api/v1/events: multi-tenant event ingest and query. The tenant is always the token's
// org_id and is the Cosmos partition key, so every read and write is scoped to one partition.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Container, JSONObject, OperationInput, OperationResponse } from "@azure/cosmos";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { datetimeRegex, z } from "zod";
import { requireReader, requireWriter, type Caller } from "../../shared/auth.js";
import { isUnavailable, json, readJson, type JsonLimits } from "../../shared/http.js";
import { ProblemError } from "../../shared/problem.js";
import { claimIdempotencyKey } from "./idempotency.js";

// 100 events is also Cosmos DB's limit of operations in one transactional batch, and 256 KB is
// well below its 2 MB request limit: https://learn.microsoft.com/azure/cosmos-db/nosql/transactional-batch#limitations
const MAX_EVENTS_PER_BATCH = 100;
const INGEST_LIMITS: JsonLimits = { maxBytes: 256 * 1024, maxDepth: 32, maxStringLength: 32 * 1024 };
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 25;

// zod's own date-time pattern, built once: `.datetime()` builds it anew for every value it checks.
const ISO_INSTANT = datetimeRegex({ offset: true, precision: null, local: false });
/** The pattern takes any two digits for the offset's hours and minutes (+99:99); Date does not. */
const OFFSET = /[+-](\d{2}):?(\d{2})$/;

/** An ISO 8601 date-time with `Z` or an offset of at most ±23:59 that Date can represent. */
export function isInstant(text: string): boolean {
  if (!ISO_INSTANT.test(text)) return false;
  const offset = OFFSET.exec(text);
  if (offset && (Number(offset[1]) > 23 || Number(offset[2]) > 59)) return false;
  return !Number.isNaN(Date.parse(text));
}
const isoInstantText = z
  .string()
  .max(64, "must be an ISO 8601 date-time")
  .refine(isInstant, "must be an ISO 8601 date-time with Z or an offset from -23:59 to +23:59");
const toInstant = (text: string) => new Date(text).toISOString();
const isoInstant = isoInstantText.transform(toInstant);

// Checks only: ingest normalises after parsing. Transform and default wrappers in the schema added
// half again to the checks' time on every write.
const eventInput = z
  .object({
    schema_version: z.literal(1, { errorMap: () => ({ message: "must be 1" }) }),
    type: z
      .string()
      .regex(/^[a-z][a-z0-9._-]{0,99}$/, "must be lower-case letters, digits, '.', '_' or '-', at most 100"),
    occurred_at: isoInstantText,
    data: z.record(z.unknown()).optional(),
  })
  .strict();
const eventBatch = z.array(eventInput).min(1).max(MAX_EVENTS_PER_BATCH);

interface StoredEvent {
  id: string;
  tenantId: string;
  schemaVersion: 1;
  type: string;
  occurredAt: string;
  receivedAt: string;
  data: Record<string, unknown>;
}

const toPublic = (event: StoredEvent) => ({
  id: event.id,
  schema_version: event.schemaVersion,
  type: event.type,
  occurred_at: event.occurredAt,
  received_at: event.receivedAt,
  data: event.data,
});

/** Turns zod issues into a validation problem naming each offending field. */
export function validationProblem(error: z.ZodError): ProblemError {
  const errors = error.issues.map((issue) => ({ pointer: "/" + issue.path.join("/"), detail: issue.message }));
  return new ProblemError("validation-failed", errors.map((e) => `${e.pointer}: ${e.detail}`).join("; "), { errors });
}

export interface EventContainers {
  events: Container;
  idempotency: Container;
}

export async function ingestEvents(
  containers: EventContainers,
  caller: Caller,
  request: HttpRequest,
): Promise<HttpResponseInit> {
  requireWriter(caller);
  const body = await readJson(request, INGEST_LIMITS);
  // One event or a batch: the body's shape picks the schema (a union would try both). The whole
  // body is checked before anything is written.
  const parsed = (Array.isArray(body) ? eventBatch : eventInput).safeParse(body);
  if (!parsed.success) throw validationProblem(parsed.error);
  const inputs = Array.isArray(parsed.data) ? parsed.data : [parsed.data];

  const claim = await claimIdempotencyKey(
    containers.idempotency,
    caller.tenantId,
    "events",
    request.headers.get("idempotency-key"),
    [body],
  );
  // A retry stores exactly what the first attempt did, receivedAt included, so rewriting converges.
  const events: StoredEvent[] = inputs.map((input, index) => ({
    id: claim.idFor(index),
    tenantId: caller.tenantId,
    schemaVersion: input.schema_version,
    type: input.type,
    occurredAt: toInstant(input.occurred_at),
    receivedAt: claim.firstSeenAt,
    data: input.data ?? {},
  }));
  const stored =
    (claim.completed && (await readEvents(containers.events, events))) ||
    (await writeEvents(containers.events, events));
  await claim.complete();
  const items = stored.map(toPublic);
  const headers: Record<string, string> = claim.replayed ? { "Idempotent-Replayed": "true" } : {};
  return json(201, Array.isArray(parsed.data) ? { items } : items[0], headers);
}

/**
 * All of a request's events or none: they share the tenant's partition, so one transactional batch
 * holds them (one upsert for a single event). Upserts, so that a retry rewriting the same events
 * converges instead of conflicting. Each operation names its partition key as well: the emulator
 * reads it from there.
 */
async function writeEvents(container: Container, events: StoredEvent[]): Promise<StoredEvent[]> {
  if (events.length === 1) {
    const { resource } = await container.items.upsert<StoredEvent>(events[0]);
    return [resource ?? events[0]];
  }
  const results = await runBatch(
    container,
    events[0].tenantId,
    events.map((event) => ({
      operationType: "Upsert",
      partitionKey: event.tenantId,
      resourceBody: event as unknown as JSONObject,
    })),
  );
  return results.map((result, i) => (result.resourceBody as unknown as StoredEvent | undefined) ?? events[i]);
}

/** What a completed request stored, or undefined when any of it is gone (then it is written again). */
async function readEvents(container: Container, events: StoredEvent[]): Promise<StoredEvent[] | undefined> {
  const results = await runBatch(
    container,
    events[0].tenantId,
    events.map(({ id, tenantId }) => ({ operationType: "Read", id, partitionKey: tenantId })),
    [404],
  );
  return results.every((result) => result.statusCode === 200)
    ? results.map((result) => result.resourceBody as unknown as StoredEvent)
    : undefined;
}

/** One transactional batch; throttling, timeouts and server errors count as the dependency's failure. */
async function runBatch(
  container: Container,
  partitionKey: string,
  operations: OperationInput[],
  accepted: number[] = [],
): Promise<OperationResponse[]> {
  const response = await container.items.batch(operations, partitionKey).catch((error: Error) => {
    // The SDK rethrows every batch error as a plain Error without code or status: on input checked
    // beforehand, that is the request not reaching Cosmos DB or not being answered.
    throw Object.assign(new Error(`Cosmos DB batch failed: ${error.message}`), { code: "ServiceCommunicationProblem" });
  });
  const results = response.result ?? [];
  // 424: an operation not run because another one of the batch failed.
  const failed = results.find(
    (result) => result.statusCode >= 400 && result.statusCode !== 424 && !accepted.includes(result.statusCode),
  );
  if (results.length === operations.length && !failed) return results;
  const status = failed?.statusCode ?? response.code ?? 0;
  const transient = status === 408 || status === 429 || status >= 500;
  throw Object.assign(
    new Error(`Cosmos DB batch failed with status ${status}`),
    transient ? { code: "ServiceCommunicationProblem" } : {},
  );
}

const listQuery = z
  .object({
    type: eventInput.shape.type.optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: z.string().max(4096).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] });

interface Cursor {
  /** The Cosmos continuation token. */
  c: string;
  /** Binds the cursor to one tenant and one filter, so it cannot be replayed elsewhere. */
  f: string;
}

/** Cursors are `<payload>.<HMAC-SHA256 of the payload>`: a client can neither forge nor edit one. */
const signCursor = (key: Buffer, payload: string) => createHmac("sha256", key).update(payload).digest("base64url");

const encodeCursor = (key: Buffer, cursor: Cursor) => {
  const payload = Buffer.from(JSON.stringify(cursor)).toString("base64url");
  return `${payload}.${signCursor(key, payload)}`;
};

function decodeCursor(key: Buffer, text: string): Cursor {
  const [payload, signature, ...rest] = text.split(".");
  const expected = Buffer.from(signCursor(key, payload));
  if (
    rest.length === 0 &&
    signature !== undefined &&
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), expected)
  ) {
    try {
      const value = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<Cursor>;
      if (typeof value.c === "string" && typeof value.f === "string") return { c: value.c, f: value.f };
    } catch {
      // fall through to the problem below
    }
  }
  throw invalidCursor("cursor is not one this API returned");
}

const invalidCursor = (detail: string) =>
  new ProblemError("validation-failed", detail, { errors: [{ pointer: "/cursor", detail }] });

export async function listEvents(
  events: Container,
  cursorKey: Buffer,
  caller: Caller,
  request: HttpRequest,
): Promise<HttpResponseInit> {
  requireReader(caller);
  const parsed = listQuery.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success) throw validationProblem(parsed.error);
  const { type, from, to, limit, cursor } = parsed.data;

  const filter = createHash("sha256")
    .update(JSON.stringify([caller.tenantId, type, from, to]))
    .digest("base64url");
  const continuationToken = cursor === undefined ? undefined : decodeCursor(cursorKey, cursor);
  if (continuationToken && continuationToken.f !== filter) {
    throw invalidCursor("cursor belongs to a different query");
  }

  const conditions = ["c.tenantId = @tenant"];
  const parameters = [{ name: "@tenant", value: caller.tenantId }];
  if (type) {
    conditions.push("c.type = @type");
    parameters.push({ name: "@type", value: type });
  }
  if (from) {
    conditions.push("c.occurredAt >= @from");
    parameters.push({ name: "@from", value: from });
  }
  if (to) {
    conditions.push("c.occurredAt < @to");
    parameters.push({ name: "@to", value: to });
  }
  const page = await events.items
    .query<StoredEvent>(
      { query: `SELECT * FROM c WHERE ${conditions.join(" AND ")} ORDER BY c.occurredAt DESC`, parameters },
      { partitionKey: caller.tenantId, maxItemCount: limit, continuationToken: continuationToken?.c },
    )
    .fetchNext()
    .catch((error: unknown) => {
      // A tampered continuation token is the client's fault, not ours.
      if (continuationToken && !isUnavailable(error)) throw invalidCursor("cursor is not one this API returned");
      throw error;
    });

  const next =
    page.hasMoreResults && page.continuationToken
      ? encodeCursor(cursorKey, { c: page.continuationToken, f: filter })
      : null;
  return json(200, { items: page.resources.map(toPublic), next_cursor: next });
}
