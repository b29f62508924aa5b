// Idempotency-Key handling. The first request with a key records a hash of its body in a `pending`
// record; a retry with the same body derives the same resource ids, so re-running the writes
// converges on the same result even after a crash half-way; the record becomes `complete` once
// every write is done, and a retry of a complete request only reads back what was stored. A
// different body under the same key is a 409.
import { createHash, randomUUID } from "node:crypto";
import type { Container } from "@azure/cosmos";
import { ProblemError } from "../../shared/problem.js";

/** Records expire after a day: long enough for any client retry policy. */
const RECORD_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyClaim {
  /** True when this key was seen before with the same body. */
  replayed: boolean;
  /** True when an earlier request with this key finished its writes: they need only be read back. */
  completed: boolean;
  /** When the first request with this key arrived (now without a key): retries store the same time. */
  firstSeenAt: string;
  /** Id of the n-th resource the request creates: derived from the key, random without one. */
  idFor(index: number): string;
  /** Marks the request's writes done; a no-op without a key. */
  complete(): Promise<void>;
}

interface IdempotencyRecord {
  id: string;
  tenantId: string;
  scope: string;
  fingerprint: string;
  state: "pending" | "complete";
  createdAt: string;
  ttl: number;
}

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/**
 * A hash of the request that ignores key order and whitespace in JSON bodies. JSON parts must have
 * passed readJson's depth bound: canonical() recurses once per nesting level.
 */
export function requestFingerprint(parts: unknown[]): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return sha256(JSON.stringify(parts.map((part) => (Buffer.isBuffer(part) ? sha256(part) : canonical(part)))));
}

const validKey = /^[\x21-\x7e]{1,255}$/;

export async function claimIdempotencyKey(
  records: Container,
  tenantId: string,
  scope: string,
  key: string | null,
  /** What makes two requests the same (see requestFingerprint); hashed only when there is a key. */
  requestParts: unknown[],
): Promise<IdempotencyClaim> {
  const now = new Date().toISOString();
  if (key === null)
    return { replayed: false, completed: false, firstSeenAt: now, idFor: () => randomUUID(), complete: async () => {} };
  if (!validKey.test(key)) {
    throw new ProblemError("validation-failed", "Idempotency-Key must be 1 to 255 printable ASCII characters", {
      errors: [{ pointer: "header:Idempotency-Key", detail: "must be 1 to 255 printable ASCII characters" }],
    });
  }
  // Keys are hashed: they may hold characters Cosmos ids forbid, and the scope keeps the events
  // and documents endpoints from colliding on the same key.
  const recordId = sha256(`${scope}\n${key}`);
  const idFor = (index: number) => asUuid(sha256(`${tenantId}\n${recordId}\n${index}`));
  const fingerprint = requestFingerprint(requestParts);
  const item = records.item(recordId, tenantId);
  const claim = (record: IdempotencyRecord, replayed: boolean): IdempotencyClaim => ({
    replayed,
    completed: record.state === "complete",
    firstSeenAt: record.createdAt,
    idFor,
    complete: async () => {
      if (record.state !== "complete") await records.items.upsert({ ...record, state: "complete" });
    },
  });
  const fresh: IdempotencyRecord = {
    id: recordId,
    tenantId,
    scope,
    fingerprint,
    state: "pending",
    createdAt: now,
    ttl: RECORD_TTL_SECONDS,
  };
  try {
    await records.items.create(fresh);
    return claim(fresh, false);
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
  const { resource } = await item.read<IdempotencyRecord>();
  // Expired between the create and the read: this request is the first again.
  if (!resource) return claimIdempotencyKey(records, tenantId, scope, key, requestParts);
  if (resource.fingerprint !== fingerprint) {
    throw new ProblemError(
      "idempotency-key-reused",
      "this Idempotency-Key was used with a different request body; use a new key",
    );
  }
  return claim(resource, true);
}

const asUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
