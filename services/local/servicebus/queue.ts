// Queue state for the local Service Bus broker: messages, peek-locks, delivery counts,
// deferral, scheduling, TTL and the dead-letter sub-queue. No AMQP link handling here:
// the broker asks this module what to deliver and tells it what the client decided.
import { randomUUID } from "node:crypto";
import rhea, { type Message } from "rhea";
import { DEFAULT_MAX_DELIVERY_COUNT } from "../../settings.js";

/** Queue settings, the same shape as the estate's stack config for Service Bus queues. */
export interface QueueOptions {
  name: string;
  /** Peek-lock duration. Default 60. */
  lockDurationSeconds?: number;
  /** Default message time to live. Default 14 days. */
  ttlSeconds?: number;
  /** Deliveries after which a message is dead-lettered instead of redelivered. Default 10. */
  maxDeliveryCount?: number;
  /** Move expired messages to the dead-letter queue (true) or drop them (false). Default true. */
  deadLetterOnExpiry?: boolean;
}

export const DEFAULT_LOCK_DURATION_SECONDS = 60;
export const DEFAULT_TTL_SECONDS = 14 * 24 * 3600;
export const DEFAULT_MAX_MESSAGES_PER_QUEUE = 10_000;
export const DEAD_LETTER_SUFFIX = "/$DeadLetterQueue";

export type ReceiveMode = "peekLock" | "receiveAndDelete";
type MessageState = "active" | "locked" | "deferred" | "scheduled";

/** Values of the x-opt-message-state annotation the SDK reads. */
const WIRE_STATE: Record<MessageState, number> = { active: 0, locked: 0, deferred: 1, scheduled: 2 };

// The header ttl field is a uint (milliseconds); longer TTLs are left out of the header.
const MAX_HEADER_TTL_MS = 0xffffffff;

export interface StoredMessage {
  sequenceNumber: number;
  /** The message as the client sent it (decoded), without delivery annotations. */
  amqp: Message;
  enqueuedAt: number;
  expiresAt: number;
  /** Number of times the message was handed out under a lock (or deleted on receive). */
  deliveryCount: number;
  state: MessageState;
  lockToken?: string;
  lockedUntil?: number;
  /** A deferred message that is locked goes back to deferred when its lock ends. */
  lockedWhileDeferred?: boolean;
  scheduledAt?: number;
  deadLetterSource?: string;
}

export interface Handout {
  message: StoredMessage;
  /** Set in peek-lock mode. */
  lockToken?: string;
}

export type SettleResult = { ok: true } | { ok: false; lockLost: true };

/** Messages ordered by sequence number, cheap to take from the front and to put back. */
class ReadyList {
  private items: StoredMessage[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  insert(message: StoredMessage): void {
    const last = this.items[this.items.length - 1];
    if (this.size === 0 || last.sequenceNumber < message.sequenceNumber) {
      this.items.push(message);
      return;
    }
    let low = this.head;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.items[mid].sequenceNumber < message.sequenceNumber) low = mid + 1;
      else high = mid;
    }
    this.items.splice(low, 0, message);
  }

  shift(): StoredMessage | undefined {
    if (this.size === 0) return undefined;
    const message = this.items[this.head++];
    // Compact now and then so taken messages can be garbage collected.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return message;
  }

  remove(message: StoredMessage): void {
    const index = this.items.indexOf(message, this.head);
    if (index >= 0) this.items.splice(index, 1);
  }
}

interface EntitySettings {
  lockDurationMs: number;
  ttlMs: number;
  maxDeliveryCount: number;
  deadLetterOnExpiry: boolean;
}

/** One addressable entity: a queue or its dead-letter sub-queue. */
export class MessageEntity {
  readonly messages = new Map<number, StoredMessage>();
  private readonly ready = new ReadyList();
  private readonly locks = new Map<string, StoredMessage>();
  private readonly scheduled = new Set<StoredMessage>();
  private earliestExpiry = Infinity;
  /** Called when messages become available, so the broker can deliver them. */
  onAvailable: () => void = () => {};

  constructor(
    readonly path: string,
    private readonly settings: EntitySettings,
    private readonly now: () => number,
    private readonly deadLetterTarget?: MessageEntity,
  ) {}

  get isDeadLetterQueue(): boolean {
    return this.deadLetterTarget === undefined;
  }

  get size(): number {
    return this.messages.size;
  }

  get availableCount(): number {
    return this.ready.size;
  }

  /** Adds messages sent by a client (or moved here by dead-lettering). */
  add(message: StoredMessage): void {
    this.messages.set(message.sequenceNumber, message);
    if (message.state === "scheduled") {
      this.scheduled.add(message);
    } else {
      this.ready.insert(message);
      this.earliestExpiry = Math.min(this.earliestExpiry, message.expiresAt);
    }
  }

  newMessage(sequenceNumber: number, amqp: Message): StoredMessage {
    const now = this.now();
    const scheduledFor = scheduledTime(amqp);
    const enqueuedAt = scheduledFor !== undefined && scheduledFor > now ? scheduledFor : now;
    return {
      sequenceNumber,
      amqp,
      enqueuedAt,
      expiresAt: enqueuedAt + this.effectiveTtlMs(amqp),
      deliveryCount: 0,
      state: enqueuedAt > now ? "scheduled" : "active",
      scheduledAt: enqueuedAt > now ? enqueuedAt : undefined,
    };
  }

  /** Takes the next available message for a receiver link. */
  take(mode: ReceiveMode): Handout | undefined {
    const now = this.now();
    for (let message = this.ready.shift(); message; message = this.ready.shift()) {
      if (message.expiresAt <= now) {
        this.expire(message);
        continue;
      }
      message.deliveryCount++;
      if (mode === "receiveAndDelete") {
        this.messages.delete(message.sequenceNumber);
        return { message };
      }
      return { message, lockToken: this.lock(message) };
    }
    return undefined;
  }

  /** Undoes a hand-out whose transfer never left the broker (the link went away first). */
  putBack(handout: Handout): void {
    const { message, lockToken } = handout;
    message.deliveryCount--;
    if (lockToken === undefined) {
      this.add(message);
      this.onAvailable();
    } else if (this.locks.get(lockToken) === message) {
      this.unlock(message);
      if (message.state === "active") this.ready.insert(message);
      this.onAvailable();
    }
  }

  complete(lockToken: string): SettleResult {
    const message = this.locked(lockToken);
    if (!message) return { ok: false, lockLost: true };
    this.locks.delete(lockToken);
    this.messages.delete(message.sequenceNumber);
    return { ok: true };
  }

  abandon(lockToken: string, propertiesToModify?: Record<string, unknown>): SettleResult {
    const message = this.locked(lockToken);
    if (!message) return { ok: false, lockLost: true };
    modifyProperties(message, propertiesToModify);
    this.release(message);
    return { ok: true };
  }

  defer(lockToken: string, propertiesToModify?: Record<string, unknown>): SettleResult {
    const message = this.locked(lockToken);
    if (!message) return { ok: false, lockLost: true };
    modifyProperties(message, propertiesToModify);
    this.unlock(message);
    message.state = "deferred";
    return { ok: true };
  }

  deadLetter(
    lockToken: string,
    reason: string | undefined,
    description: string | undefined,
    propertiesToModify?: Record<string, unknown>,
  ): SettleResult {
    const message = this.locked(lockToken);
    if (!message) return { ok: false, lockLost: true };
    modifyProperties(message, propertiesToModify);
    this.unlock(message);
    this.moveToDeadLetter(message, reason, description);
    return { ok: true };
  }

  /** Extends a lock by the lock duration; undefined when the lock is gone. */
  renewLock(lockToken: string): number | undefined {
    const message = this.locked(lockToken);
    if (!message) return undefined;
    message.lockedUntil = this.now() + this.settings.lockDurationMs;
    return message.lockedUntil;
  }

  /** Messages from a sequence number on, in order, including locked, deferred and scheduled ones. */
  peek(fromSequenceNumber: number, count: number): StoredMessage[] {
    const found: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (message.sequenceNumber >= fromSequenceNumber) found.push(message);
    }
    found.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    return found.slice(0, count);
  }

  /** Receives deferred messages by sequence number; undefined if one of them is not deferred. */
  receiveDeferred(sequenceNumbers: number[], mode: ReceiveMode): Handout[] | undefined {
    const messages = sequenceNumbers.map((n) => this.messages.get(n));
    if (messages.some((m) => m === undefined || m.state !== "deferred")) return undefined;
    return (messages as StoredMessage[]).map((message) => {
      message.deliveryCount++;
      if (mode === "receiveAndDelete") {
        this.messages.delete(message.sequenceNumber);
        return { message };
      }
      message.lockedWhileDeferred = true;
      return { message, lockToken: this.lock(message) };
    });
  }

  /** Cancels scheduled messages; unknown or already enqueued sequence numbers are ignored. */
  cancelScheduled(sequenceNumbers: number[]): void {
    for (const sequenceNumber of sequenceNumbers) {
      const message = this.messages.get(sequenceNumber);
      if (message?.state === "scheduled") {
        this.scheduled.delete(message);
        this.messages.delete(sequenceNumber);
      }
    }
  }

  /** Time-driven transitions: lock expiry, scheduled enqueue, TTL expiry. */
  sweep(): void {
    const now = this.now();
    let becameAvailable = false;
    for (const message of this.locks.values()) {
      if ((message.lockedUntil ?? 0) <= now) {
        this.release(message);
        becameAvailable = true;
      }
    }
    for (const message of this.scheduled) {
      if ((message.scheduledAt ?? 0) <= now) {
        this.scheduled.delete(message);
        message.state = "active";
        message.scheduledAt = undefined;
        this.ready.insert(message);
        this.earliestExpiry = Math.min(this.earliestExpiry, message.expiresAt);
        becameAvailable = true;
      }
    }
    if (this.earliestExpiry <= now) this.expireDue(now);
    if (becameAvailable) this.onAvailable();
  }

  private expireDue(now: number): void {
    let next = Infinity;
    for (const message of [...this.messages.values()]) {
      // Locked and scheduled messages expire only once they are back in the queue.
      if (message.state === "locked" || message.state === "scheduled") continue;
      if (message.expiresAt <= now) {
        if (message.state === "active") this.ready.remove(message);
        this.expire(message);
      } else {
        next = Math.min(next, message.expiresAt);
      }
    }
    this.earliestExpiry = next;
  }

  private expire(message: StoredMessage): void {
    if (this.settings.deadLetterOnExpiry && this.deadLetterTarget) {
      this.moveToDeadLetter(message, "TTLExpiredException", "The message expired and was dead lettered.");
    } else {
      this.messages.delete(message.sequenceNumber);
    }
  }

  private lock(message: StoredMessage): string {
    const lockToken = randomUUID();
    message.state = "locked";
    message.lockToken = lockToken;
    message.lockedUntil = this.now() + this.settings.lockDurationMs;
    this.locks.set(lockToken, message);
    return lockToken;
  }

  private locked(lockToken: string): StoredMessage | undefined {
    const message = this.locks.get(lockToken);
    return message && (message.lockedUntil ?? 0) > this.now() ? message : undefined;
  }

  private unlock(message: StoredMessage): void {
    if (message.lockToken) this.locks.delete(message.lockToken);
    message.lockToken = undefined;
    message.lockedUntil = undefined;
    message.state = message.lockedWhileDeferred ? "deferred" : "active";
    message.lockedWhileDeferred = undefined;
  }

  /** Ends a lock without settling (abandon or expiry): redeliver, or dead-letter past the max count. */
  private release(message: StoredMessage): void {
    this.unlock(message);
    if (message.deliveryCount >= this.settings.maxDeliveryCount && this.deadLetterTarget) {
      this.moveToDeadLetter(
        message,
        "MaxDeliveryCountExceeded",
        `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      );
      return;
    }
    if (message.state === "active") {
      this.ready.insert(message);
      this.earliestExpiry = Math.min(this.earliestExpiry, message.expiresAt);
      this.onAvailable();
    }
  }

  private moveToDeadLetter(message: StoredMessage, reason?: string, description?: string): void {
    this.messages.delete(message.sequenceNumber);
    const target = this.deadLetterTarget;
    if (!target) return;
    const properties = { ...(message.amqp.application_properties ?? {}) };
    if (reason !== undefined) properties.DeadLetterReason = reason;
    if (description !== undefined) properties.DeadLetterErrorDescription = description;
    target.add({
      sequenceNumber: message.sequenceNumber,
      amqp: { ...message.amqp, application_properties: properties } as Message,
      enqueuedAt: message.enqueuedAt,
      // Messages in a dead-letter queue do not expire.
      expiresAt: Infinity,
      deliveryCount: message.deliveryCount,
      state: "active",
      deadLetterSource: this.path,
    });
    target.onAvailable();
  }

  private effectiveTtlMs(amqp: Message): number {
    const requested = typeof amqp.ttl === "number" && amqp.ttl > 0 ? amqp.ttl : Infinity;
    return Math.min(requested, this.settings.ttlMs);
  }
}

/** A queue with its dead-letter sub-queue, sharing one message limit (as the size quota does in Service Bus). */
export class Queue {
  readonly active: MessageEntity;
  readonly deadLetter: MessageEntity;
  private nextSequenceNumber = 1;

  constructor(
    readonly options: Required<QueueOptions>,
    readonly maxMessages: number,
    now: () => number = Date.now,
  ) {
    const settings: EntitySettings = {
      lockDurationMs: options.lockDurationSeconds * 1000,
      ttlMs: options.ttlSeconds * 1000,
      maxDeliveryCount: options.maxDeliveryCount,
      deadLetterOnExpiry: options.deadLetterOnExpiry,
    };
    this.deadLetter = new MessageEntity(
      options.name + DEAD_LETTER_SUFFIX,
      {
        ...settings,
        ttlMs: Infinity,
        maxDeliveryCount: Infinity,
      },
      now,
    );
    this.active = new MessageEntity(options.name, settings, now, this.deadLetter);
  }

  get messageCount(): number {
    return this.active.size + this.deadLetter.size;
  }

  /** Enqueues all messages or none; false when the queue limit would be passed. */
  enqueue(messages: Message[]): StoredMessage[] | undefined {
    if (this.messageCount + messages.length > this.maxMessages) return undefined;
    // Service Bus gives every message an id; the SDK's lock renewal relies on it.
    for (const amqp of messages) amqp.message_id ??= randomUUID().replaceAll("-", "");
    const stored = messages.map((amqp) => this.active.newMessage(this.nextSequenceNumber++, amqp));
    for (const message of stored) this.active.add(message);
    this.active.onAvailable();
    return stored;
  }

  sweep(): void {
    this.active.sweep();
    this.deadLetter.sweep();
  }
}

export function resolveQueueOptions(options: QueueOptions): Required<QueueOptions> {
  const resolved = {
    name: options.name,
    lockDurationSeconds: options.lockDurationSeconds ?? DEFAULT_LOCK_DURATION_SECONDS,
    ttlSeconds: options.ttlSeconds ?? DEFAULT_TTL_SECONDS,
    maxDeliveryCount: options.maxDeliveryCount ?? DEFAULT_MAX_DELIVERY_COUNT,
    deadLetterOnExpiry: options.deadLetterOnExpiry ?? true,
  };
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/.test(resolved.name) || resolved.name.includes("$")) {
    throw new Error(`Invalid queue name '${options.name}'`);
  }
  for (const key of ["lockDurationSeconds", "ttlSeconds", "maxDeliveryCount"] as const) {
    if (!(resolved[key] > 0)) throw new Error(`Queue '${resolved.name}': ${key} must be greater than 0`);
  }
  return resolved;
}

/**
 * The message as it goes out to a receiver: the client's sections plus the broker
 * annotations and header fields the SDK reads (sequence number, enqueued time, lock expiry,
 * state, dead-letter source, delivery count, TTL).
 */
export function outgoingMessage(message: StoredMessage): Message {
  const annotations: Record<string, unknown> = {
    ...(message.amqp.message_annotations ?? {}),
    "x-opt-sequence-number": message.sequenceNumber,
    "x-opt-enqueued-time": new Date(message.enqueuedAt),
    "x-opt-message-state": WIRE_STATE[message.state],
  };
  if (message.lockedUntil !== undefined) annotations["x-opt-locked-until"] = new Date(message.lockedUntil);
  if (message.deadLetterSource !== undefined) annotations["x-opt-deadletter-source"] = message.deadLetterSource;
  const ttl = message.expiresAt - message.enqueuedAt;
  const outgoing: Message = {
    ...message.amqp,
    message_annotations: annotations,
    // AMQP counts earlier unsuccessful deliveries, so the first delivery carries 0.
    delivery_count: Math.max(0, message.deliveryCount - 1),
  } as Message;
  if (ttl <= MAX_HEADER_TTL_MS) outgoing.ttl = ttl;
  else delete outgoing.ttl;
  return outgoing;
}

/** Decodes an encoded AMQP message (rhea's typings for decode leave out the section fields). */
export function decodeMessage(bytes: Buffer): Message {
  return rhea.message.decode(bytes) as unknown as Message;
}

function scheduledTime(amqp: Message): number | undefined {
  const value = amqp.message_annotations?.["x-opt-scheduled-enqueue-time"];
  if (value instanceof Date) return value.getTime();
  return typeof value === "number" ? value : undefined;
}

function modifyProperties(message: StoredMessage, properties?: Record<string, unknown>): void {
  if (!properties || Object.keys(properties).length === 0) return;
  message.amqp = {
    ...message.amqp,
    application_properties: { ...(message.amqp.application_properties ?? {}), ...properties },
  } as Message;
}
