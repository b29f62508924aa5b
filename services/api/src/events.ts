// POST/GET /api/v1/events: multi-tenant event ingest and query. The tenant is always the token's
// org_id and is the Cosmos partition key, so every read and write is scoped to one partition.
import { createHash } from "node:crypto";
import type { Container } from "@azure/cosmos";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { datetimeRegex, z } from "zod";
import { requireWriter, type Caller } from "../../shared/auth.js";
import { isUnavailable, json, readJson } from "../../shared/http.js";
import { ProblemError } from "../../shared/problem.js";
import { claimIdempotencyKey } from "./idempotency.js";

const MAX_EVENTS_PER_BATCH = 100;
const MAX_INGEST_BYTES = 256 * 1024;
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 25;

// zod's own date-time pattern, built once: `.datetime()` builds it anew for every value it checks.
const ISO_INSTANT = datetimeRegex({ offset: true, precision: null, local: false });
const isoInstantText = z.string().regex(ISO_INSTANT, "must be an ISO 8601 date-time with offset");
const toInstant = (text: string) => new Date(text).toISOString();
const isoInstant = isoInstantText.transform(toInstant);

// Checks only: ingest normalises after parsing. Transform and default wrappers in the schema added
// half again to the checks' time on every write.
const eventInput = z
  .object({
    schema_version: z.literal(1, { errorMap: () => ({ message: "must be 1" }) }),
    type: z.string().regex(/^[a-z][a-z0-9._-]{0,99}$/, "must be lower-case letters, digits, '.', '_' or '-', at most 100"),
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

export async function ingestEvents(containers: EventContainers, caller: Caller, request: HttpRequest): Promise<HttpResponseInit> {
  requireWriter(caller);
  const body = await readJson(request, MAX_INGEST_BYTES);
  // One event or a batch: the body's shape picks the schema (a union would try both).
  const parsed = (Array.isArray(body) ? eventBatch : eventInput).safeParse(body);
  if (!parsed.success) throw validationProblem(parsed.error);
  const inputs = Array.isArray(parsed.data) ? parsed.data : [parsed.data];

  const claim = await claimIdempotencyKey(containers.idempotency, caller.tenantId, "events", request.headers.get("idempotency-key"), [body]);
  const receivedAt = new Date().toISOString();
  const stored = await Promise.all(
    inputs.map((input, index) =>
      createOrRead(containers.events, {
        id: claim.idFor(index),
        tenantId: caller.tenantId,
        schemaVersion: input.schema_version,
        type: input.type,
        occurredAt: toInstant(input.occurred_at),
        receivedAt,
        data: input.data ?? {},
      }),
    ),
  );
  const items = stored.map(toPublic);
  const headers: Record<string, string> = claim.replayed ? { "Idempotent-Replayed": "true" } : {};
  return json(201, Array.isArray(parsed.data) ? { items } : items[0], headers);
}

/** Create, or on a retry return what the first attempt stored (so replays answer identically). */
async function createOrRead(container: Container, event: StoredEvent): Promise<StoredEvent> {
  try {
    const { resource } = await container.items.create(event);
    return resource ?? event;
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
    const { resource } = await container.item(event.id, event.tenantId).read<StoredEvent>();
    if (!resource) throw error;
    return resource;
  }
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

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<Cursor>;
    if (typeof value.c === "string" && typeof value.f === "string") return { c: value.c, f: value.f };
  } catch {
    // fall through to the problem below
  }
  throw invalidCursor("cursor is not one this API returned");
}

const invalidCursor = (detail: string) => new ProblemError("validation-failed", detail, { errors: [{ pointer: "/cursor", detail }] });

export async function listEvents(events: Container, caller: Caller, request: HttpRequest): Promise<HttpResponseInit> {
  const parsed = listQuery.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success) throw validationProblem(parsed.error);
  const { type, from, to, limit, cursor } = parsed.data;

  const filter = createHash("sha256").update(JSON.stringify([caller.tenantId, type, from, to])).digest("base64url");
  const continuationToken = cursor === undefined ? undefined : decodeCursor(cursor);
  if (continuationToken && continuationToken.f !== filter) {
    throw invalidCursor("cursor belongs to a different query");
  }

  const conditions = ["c.tenantId = @tenant"];
  const parameters = [{ name: "@tenant", value: caller.tenantId }];
  if (type) { conditions.push("c.type = @type"); parameters.push({ name: "@type", value: type }); }
  if (from) { conditions.push("c.occurredAt >= @from"); parameters.push({ name: "@from", value: from }); }
  if (to) { conditions.push("c.occurredAt < @to"); parameters.push({ name: "@to", value: to }); }
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

  const next = page.hasMoreResults && page.continuationToken ? encodeCursor({ c: page.continuationToken, f: filter }) : null;
  return json(200, { items: page.resources.map(toPublic), next_cursor: next });
}
