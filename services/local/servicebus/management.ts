// The $management request/response operations the SDK uses for lock renewal, peek,
// deferred messages, settlement by lock token and scheduling. Anything else is answered
// with 501 and amqp:not-implemented so the caller gets a clear error.
import rhea, { type Message } from "rhea";
import {
  type Handout,
  type MessageEntity,
  type Queue,
  type ReceiveMode,
  decodeMessage,
  outgoingMessage,
} from "./queue.js";

export const MANAGEMENT_SUFFIX = "/$management";

const AMQP_TIMESTAMP = 0x83;
const AMQP_LONG = 0x81;

export interface ManagementResponse {
  statusCode: number;
  statusDescription: string;
  errorCondition?: string;
  body?: Record<string, unknown>;
}

const SUPPORTED = [
  "com.microsoft:renew-lock",
  "com.microsoft:peek-message",
  "com.microsoft:receive-by-sequence-number",
  "com.microsoft:update-disposition",
  "com.microsoft:schedule-message",
  "com.microsoft:cancel-scheduled-message",
] as const;

/**
 * Runs one management request against an entity (a queue or its dead-letter queue).
 * `queue` is the owning queue, used for scheduling (which enqueues).
 */
export function handleManagementRequest(entity: MessageEntity, queue: Queue, request: Message): ManagementResponse {
  const operation = String(request.application_properties?.operation ?? "");
  const body = (request.body ?? {}) as Record<string, unknown>;
  try {
    switch (operation) {
      case "com.microsoft:renew-lock":
        return renewLock(entity, body);
      case "com.microsoft:peek-message":
        return peek(entity, body);
      case "com.microsoft:receive-by-sequence-number":
        return receiveBySequenceNumber(entity, body);
      case "com.microsoft:update-disposition":
        return updateDisposition(entity, body);
      case "com.microsoft:schedule-message":
        return schedule(entity, queue, body);
      case "com.microsoft:cancel-scheduled-message":
        entity.cancelScheduled(sequenceNumbers(body["sequence-numbers"]));
        return ok();
      default:
        return {
          statusCode: 501,
          statusDescription:
            `The operation '${operation}' is not implemented by the local Service Bus broker. ` +
            `Supported: ${SUPPORTED.join(", ")}.`,
          errorCondition: "amqp:not-implemented",
        };
    }
  } catch (error) {
    return {
      statusCode: 400,
      statusDescription: `Malformed '${operation}' request: ${(error as Error).message}`,
      errorCondition: "com.microsoft:argument-error",
    };
  }
}

function renewLock(entity: MessageEntity, body: Record<string, unknown>): ManagementResponse {
  const expirations: number[] = [];
  for (const token of lockTokens(body["lock-tokens"])) {
    const lockedUntil = entity.renewLock(token);
    if (lockedUntil === undefined) return lockLost();
    expirations.push(lockedUntil);
  }
  return ok({ expirations: rhea.types.wrap_array(expirations, AMQP_TIMESTAMP, undefined) });
}

function peek(entity: MessageEntity, body: Record<string, unknown>): ManagementResponse {
  const from = toNumber(body["from-sequence-number"]);
  const count = toNumber(body["message-count"]);
  const found = entity.peek(from, count);
  // The SDK reads body.messages even for 204, so an empty list is always included.
  return {
    statusCode: found.length ? 200 : 204,
    statusDescription: found.length ? "OK" : "No messages",
    body: { messages: found.map((message) => ({ message: rhea.message.encode(outgoingMessage(message)) })) },
  };
}

function receiveBySequenceNumber(entity: MessageEntity, body: Record<string, unknown>): ManagementResponse {
  const mode: ReceiveMode = toNumber(body["receiver-settle-mode"] ?? 1) === 0 ? "receiveAndDelete" : "peekLock";
  const handouts = entity.receiveDeferred(sequenceNumbers(body["sequence-numbers"]), mode);
  if (!handouts) {
    return {
      statusCode: 404,
      statusDescription: "One or more of the requested sequence numbers is not a deferred message in this entity.",
      errorCondition: "com.microsoft:message-not-found",
    };
  }
  return ok({ messages: handouts.map(deferredEntry) });
}

function deferredEntry(handout: Handout): Record<string, unknown> {
  const entry: Record<string, unknown> = { message: rhea.message.encode(outgoingMessage(handout.message)) };
  // Management lock tokens use the standard UUID byte order (no reordering, unlike delivery tags).
  if (handout.lockToken) entry["lock-token"] = rhea.types.wrap_uuid(rhea.string_to_uuid(handout.lockToken));
  return entry;
}

function updateDisposition(entity: MessageEntity, body: Record<string, unknown>): ManagementResponse {
  const status = String(body["disposition-status"]);
  const properties = body["properties-to-modify"] as Record<string, unknown> | undefined;
  for (const token of lockTokens(body["lock-tokens"])) {
    let result;
    switch (status) {
      case "completed":
        result = entity.complete(token);
        break;
      case "abandoned":
        result = entity.abandon(token, properties);
        break;
      case "defered":
        result = entity.defer(token, properties);
        break;
      case "suspended":
        result = entity.deadLetter(
          token,
          optionalString(body["deadletter-reason"]),
          optionalString(body["deadletter-description"]),
          properties,
        );
        break;
      default:
        throw new Error(`unknown disposition-status '${status}'`);
    }
    if (!result.ok) return lockLost();
  }
  return ok();
}

function schedule(entity: MessageEntity, queue: Queue, body: Record<string, unknown>): ManagementResponse {
  if (entity !== queue.active) {
    return {
      statusCode: 400,
      statusDescription: "Cannot schedule messages on a dead-letter queue.",
      errorCondition: "amqp:not-allowed",
    };
  }
  const entries = (body.messages ?? []) as Array<{ message: Buffer }>;
  const stored = queue.enqueue(entries.map((entry) => decodeMessage(entry.message)));
  if (!stored) return quotaExceeded(queue);
  return ok({
    "sequence-numbers": rhea.types.wrap_array(
      stored.map((m) => m.sequenceNumber),
      AMQP_LONG,
      undefined,
    ),
  });
}

export function quotaExceeded(queue: Queue): ManagementResponse {
  return {
    statusCode: 403,
    statusDescription:
      `The maximum entity size has been reached or exceeded for Queue: '${queue.options.name}'. ` +
      `Messages: ${queue.messageCount}, limit: ${queue.maxMessages} (queue and dead-letter queue together).`,
    errorCondition: "amqp:resource-limit-exceeded",
  };
}

function lockLost(): ManagementResponse {
  return {
    statusCode: 410,
    statusDescription:
      "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
    errorCondition: "com.microsoft:message-lock-lost",
  };
}

function ok(body?: Record<string, unknown>): ManagementResponse {
  return { statusCode: 200, statusDescription: "OK", body: body ?? {} };
}

function lockTokens(value: unknown): string[] {
  if (!Array.isArray(value)) throw new Error("lock-tokens must be an array of UUIDs");
  return value.map((token) => (Buffer.isBuffer(token) ? rhea.uuid_to_string(token) : String(token)));
}

function sequenceNumbers(value: unknown): number[] {
  if (!Array.isArray(value)) throw new Error("sequence-numbers must be an array of longs");
  return value.map(toNumber);
}

/** Longs arrive as numbers, or as 8-byte big-endian buffers when rhea cannot represent them. */
function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  throw new Error(`expected a number, got ${JSON.stringify(value)}`);
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}
