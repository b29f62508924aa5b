// AMQP connection and link handling: maps the links the @azure/service-bus client opens
// ($cbs, <queue>/$management, senders and receivers on queues and dead-letter queues) onto
// the queue state in queue.ts.
import rhea, {
  type Connection,
  type Container,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
  type link as Link,
} from "rhea";
import { CBS_ADDRESS, type Claim, type SharedAccessKey, entityPath, isAuthorized, putToken } from "./cbs.js";
import { MANAGEMENT_SUFFIX, handleManagementRequest, quotaExceeded } from "./management.js";
import {
  type Handout,
  type MessageEntity,
  type Queue,
  type ReceiveMode,
  decodeMessage,
  outgoingMessage,
} from "./queue.js";

/** Message format of a batch: one transfer whose data sections are encoded messages. */
const BATCH_MESSAGE_FORMAT = 0x80013700;
/** Largest message (or batch) the broker advertises on its receiving links, as Service Bus Premium. */
export const MAX_MESSAGE_SIZE_BYTES = 1024 * 1024;
const SWEEP_INTERVAL_MS = 100;

/** rhea state that its typings leave out; read to account for credit and to set attach fields. */
interface LinkInternals {
  credit: number;
  connection: { _register(): void };
  local: { attach: { snd_settle_mode?: number; rcv_settle_mode?: number; max_message_size?: number } };
  session: { outgoing: { next_pending_delivery: number; available(): number } };
}
/** rhea's outcome constructors (also missing from its typings). */
interface Outcome {
  described(): unknown;
}
interface OutcomeFactory {
  accepted(): Outcome;
  released(): Outcome;
  modified(fields: { undeliverable_here?: boolean }): Outcome;
  rejected(fields: { error?: { condition: string; description: string } }): Outcome;
}
const outcomes = rhea.message as unknown as OutcomeFactory;

function internals(link: Link): LinkInternals {
  return link as unknown as LinkInternals;
}

export interface BrokerOptions {
  queues: Queue[];
  credential: SharedAccessKey;
  /** Endpoint advertised in error descriptions, e.g. sb://localhost:5672. */
  endpoint: string;
  /** The clock tokens are checked against: the queues' own. */
  now: () => number;
}

interface EntityRef {
  entity: MessageEntity;
  queue: Queue;
}

/** A receiver link of a client, fed from an entity. */
class Consumer {
  /** Hand-outs given to rhea but not yet transferred (rhea counts credit down only on transfer). */
  private queued: Array<{ deliveryId: number; handout: Handout }> = [];

  constructor(
    readonly sender: Sender,
    readonly ref: EntityRef,
    readonly mode: ReceiveMode,
  ) {}

  /** Deliveries the link can take now: its credit, bounded by free room in rhea's session buffer. */
  credit(): number {
    const { credit, session } = internals(this.sender);
    while (this.queued.length && this.queued[0].deliveryId < session.outgoing.next_pending_delivery)
      this.queued.shift();
    return Math.min(credit - this.queued.length, session.outgoing.available());
  }

  deliver(handout: Handout, lockedDeliveries: WeakMap<Delivery, LockedDelivery>): void {
    const encoded = rhea.message.encode(outgoingMessage(handout.message));
    // The SDK reads the lock token from the delivery tag, in .NET GUID byte order.
    const tag = handout.lockToken
      ? dotNetGuidBytes(rhea.string_to_uuid(handout.lockToken))
      : Buffer.from(String(handout.message.sequenceNumber));
    const delivery = this.sender.send(encoded, tag, 0);
    this.queued.push({ deliveryId: delivery.id, handout });
    if (handout.lockToken) lockedDeliveries.set(delivery, { entity: this.ref.entity, lockToken: handout.lockToken });
  }

  /** Returns what never reached the client to the entity. */
  detach(): void {
    this.credit();
    for (const { handout } of this.queued) this.ref.entity.putBack(handout);
    this.queued = [];
  }
}

interface LockedDelivery {
  entity: MessageEntity;
  lockToken: string;
}

interface ConnectionState {
  claims: Claim[];
  /** Links that carry $cbs and $management replies, by the reply-to address requests name. */
  replyLinks: Map<string, Sender>;
  consumers: Set<Consumer>;
}

export class Broker {
  private readonly entities = new Map<string, EntityRef>();
  private readonly consumers = new Map<MessageEntity, Consumer[]>();
  private readonly connections = new Map<Connection, ConnectionState>();
  private readonly lockedDeliveries = new WeakMap<Delivery, LockedDelivery>();
  private readonly pumpQueue = new Set<MessageEntity>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly container: Container,
    private readonly options: BrokerOptions,
  ) {
    for (const queue of options.queues) {
      for (const entity of [queue.active, queue.deadLetter]) {
        this.entities.set(entityPath(entity.path), { entity, queue });
        entity.onAvailable = () => this.schedulePump(entity);
      }
    }
    container.on("connection_open", (context: EventContext) => this.state(context.connection));
    container.on("connection_close", (context: EventContext) => this.forget(context.connection));
    container.on("disconnected", (context: EventContext) => this.forget(context.connection));
    container.on("receiver_open", (context: EventContext) => this.onReceiverOpen(context));
    container.on("sender_open", (context: EventContext) => this.onSenderOpen(context));
    container.on("sender_close", (context: EventContext) => this.removeConsumer(context.connection, context.sender));
    container.on("message", (context: EventContext) => this.onMessage(context));
    container.on("sender_flow", (context: EventContext) => this.pumpFor(context.connection, context.sender));
    container.on("sendable", (context: EventContext) => this.pumpFor(context.connection, context.sender));
    container.on("sender_draining", (context: EventContext) => this.pumpFor(context.connection, context.sender));
    for (const outcome of ["accepted", "released", "modified", "rejected"] as const) {
      container.on(outcome, (context: EventContext) => this.onDisposition(context, outcome));
    }
    // Link and protocol errors are the client's business; without a listener rhea would throw.
    container.on("error", () => {});
    container.on("connection_error", () => {});
    this.sweepTimer = setInterval(() => {
      for (const queue of options.queues) queue.sweep();
    }, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** True once a connection on this socket has put a valid token on $cbs. */
  isAuthenticated(socket: unknown): boolean {
    for (const [connection, state] of this.connections) {
      if ((connection as unknown as { socket?: unknown }).socket === socket && state.claims.length > 0) return true;
    }
    return false;
  }

  /** Closes every client connection with amqp:connection:forced, as a service restart would. */
  closeConnections(): Connection[] {
    clearInterval(this.sweepTimer);
    const open = [...this.connections.keys()];
    for (const connection of open) {
      connection.close({
        condition: "amqp:connection:forced",
        description: "The local Service Bus broker is stopping.",
      });
    }
    this.connections.clear();
    return open;
  }

  private state(connection: Connection): ConnectionState {
    let state = this.connections.get(connection);
    if (!state) {
      state = { claims: [], replyLinks: new Map(), consumers: new Set() };
      this.connections.set(connection, state);
    }
    return state;
  }

  private forget(connection: Connection): void {
    const state = this.connections.get(connection);
    if (!state) return;
    for (const consumer of state.consumers) this.dropConsumer(consumer);
    this.connections.delete(connection);
  }

  private resolve(address: string): EntityRef | undefined {
    return this.entities.get(entityPath(address));
  }

  private notFound(address: string): { condition: string; description: string } {
    return {
      condition: "amqp:not-found",
      description: `The messaging entity '${this.options.endpoint}/${address}' could not be found.`,
    };
  }

  /**
   * Checks that a link to an entity (or to its $management node) is allowed; closes the link
   * with the reason when it is not.
   */
  private admit(link: Link, connection: Connection, address: string): EntityRef | undefined {
    const entityAddress = address.endsWith(MANAGEMENT_SUFFIX) ? address.slice(0, -MANAGEMENT_SUFFIX.length) : address;
    const ref = this.resolve(entityAddress);
    if (!ref) {
      link.close(this.notFound(entityAddress));
      return undefined;
    }
    if (!isAuthorized(this.state(connection).claims, address, this.options.now())) {
      link.close({
        condition: "amqp:unauthorized-access",
        description: `Unauthorized access to '${address}': put a valid token on $cbs first.`,
      });
      return undefined;
    }
    return ref;
  }

  /** A client sender attached: requests to $cbs or $management, or messages for a queue. */
  private onReceiverOpen(context: EventContext): void {
    const receiver = context.receiver as Receiver;
    const address = String(receiver.target?.address ?? "");
    receiver.set_target({ address });
    if (address === CBS_ADDRESS) return;
    const ref = this.admit(receiver, context.connection, address);
    if (!ref) return;
    if (!address.endsWith(MANAGEMENT_SUFFIX) && ref.entity.isDeadLetterQueue) {
      receiver.close({ condition: "amqp:not-allowed", description: "Messages cannot be sent to a dead-letter queue." });
      return;
    }
    internals(receiver).local.attach.max_message_size = MAX_MESSAGE_SIZE_BYTES;
  }

  /** A client receiver attached: replies from $cbs or $management, or messages from an entity. */
  private onSenderOpen(context: EventContext): void {
    const sender = context.sender as Sender;
    const address = String(sender.source?.address ?? "");
    const replyTo = String(sender.target?.address ?? sender.name);
    sender.set_source({ address });
    sender.set_target({ address: replyTo });
    const state = this.state(context.connection);
    if (address === CBS_ADDRESS || address.endsWith(MANAGEMENT_SUFFIX)) {
      if (address !== CBS_ADDRESS && !this.admit(sender, context.connection, address)) return;
      // Replies are sent settled: the requester only correlates them.
      internals(sender).local.attach.snd_settle_mode = 1;
      state.replyLinks.set(replyTo, sender);
      return;
    }
    const ref = this.admit(sender, context.connection, address);
    if (!ref) return;
    const filter = sender.source?.filter as Record<string, unknown> | undefined;
    if (filter && Object.keys(filter).length > 0) {
      sender.close({
        condition: "amqp:not-implemented",
        description: "Sessions and filters are not supported by the local Service Bus broker.",
      });
      return;
    }
    const mode: ReceiveMode = sender.snd_settle_mode === 1 ? "receiveAndDelete" : "peekLock";
    internals(sender).local.attach.snd_settle_mode = mode === "receiveAndDelete" ? 1 : 0;
    internals(sender).local.attach.rcv_settle_mode = sender.rcv_settle_mode ?? 0;
    const consumer = new Consumer(sender, ref, mode);
    state.consumers.add(consumer);
    this.consumers.set(ref.entity, [...(this.consumers.get(ref.entity) ?? []), consumer]);
  }

  private consumerOf(connection: Connection, sender: Sender | undefined): Consumer | undefined {
    const state = this.connections.get(connection);
    if (!state || !sender) return undefined;
    for (const consumer of state.consumers) if (consumer.sender === sender) return consumer;
    return undefined;
  }

  private removeConsumer(connection: Connection, sender: Sender | undefined): void {
    const consumer = this.consumerOf(connection, sender);
    if (!consumer) return;
    this.connections.get(connection)?.consumers.delete(consumer);
    this.dropConsumer(consumer);
  }

  private dropConsumer(consumer: Consumer): void {
    const entity = consumer.ref.entity;
    const remaining = (this.consumers.get(entity) ?? []).filter((c) => c !== consumer);
    this.consumers.set(entity, remaining);
    consumer.detach();
  }

  private pumpFor(connection: Connection, sender: Sender | undefined): void {
    const consumer = this.consumerOf(connection, sender);
    if (consumer) this.schedulePump(consumer.ref.entity);
  }

  /** Deliveries are batched per entity in a microtask, so state changes never re-enter a pump. */
  private schedulePump(entity: MessageEntity): void {
    if (this.pumpQueue.size === 0) queueMicrotask(() => this.flushPumps());
    this.pumpQueue.add(entity);
  }

  private flushPumps(): void {
    const entities = [...this.pumpQueue];
    this.pumpQueue.clear();
    for (const entity of entities) this.pump(entity);
  }

  /** Hands available messages to consumers with credit, one each in turn. */
  private pump(entity: MessageEntity): void {
    const consumers = this.consumers.get(entity) ?? [];
    let delivered = true;
    while (delivered && entity.availableCount > 0) {
      delivered = false;
      for (const consumer of consumers) {
        if (consumer.credit() <= 0) continue;
        const handout = entity.take(consumer.mode);
        if (!handout) break;
        consumer.deliver(handout, this.lockedDeliveries);
        delivered = true;
      }
    }
    // Rotate so the next pump starts with another consumer.
    if (consumers.length > 1) consumers.push(consumers.shift() as Consumer);
    if (entity.availableCount === 0) {
      // A draining receiver gets its remaining credit back as "drained" once nothing is left.
      // rhea only writes that flow on its next processing pass, which this schedules.
      for (const consumer of consumers) {
        if (consumer.credit() > 0) {
          consumer.sender.set_drained(true);
          internals(consumer.sender).connection._register();
        }
      }
    }
  }

  private onMessage(context: EventContext): void {
    const receiver = context.receiver as Receiver;
    const delivery = context.delivery as Delivery;
    const address = String(receiver.target?.address ?? "");
    if (address === CBS_ADDRESS) {
      delivery.accept();
      this.onPutToken(context.connection, context.message as Message);
    } else if (address.endsWith(MANAGEMENT_SUFFIX)) {
      delivery.accept();
      this.onManagementRequest(context.connection, address, context.message as Message);
    } else {
      this.onIncoming(address, context, delivery);
    }
  }

  private onPutToken(connection: Connection, request: Message): void {
    const properties = request.application_properties ?? {};
    const audience = String(properties.name ?? "");
    const result = putToken(
      { name: audience, type: properties.type, token: request.body },
      this.options.credential,
      this.options.now(),
    );
    if (result.claim) {
      const path = entityPath(audience);
      const entityAddress = path.endsWith(MANAGEMENT_SUFFIX) ? path.slice(0, -MANAGEMENT_SUFFIX.length) : path;
      // A token for an entity that does not exist is refused the way Service Bus does (404).
      if (entityAddress !== "" && !this.resolve(entityAddress)) {
        const { condition, description } = this.notFound(entityAddress);
        this.reply(connection, request, 404, description, condition);
        return;
      }
      this.state(connection).claims.push(result.claim);
    }
    this.reply(connection, request, result.statusCode, result.statusDescription);
  }

  private onManagementRequest(connection: Connection, address: string, request: Message): void {
    const ref = this.resolve(address.slice(0, -MANAGEMENT_SUFFIX.length));
    if (!ref) return;
    const response = handleManagementRequest(ref.entity, ref.queue, request);
    this.reply(
      connection,
      request,
      response.statusCode,
      response.statusDescription,
      response.errorCondition,
      response.body,
    );
  }

  private reply(
    connection: Connection,
    request: Message,
    statusCode: number,
    statusDescription: string,
    errorCondition?: string,
    body?: Record<string, unknown>,
  ): void {
    const link = this.connections.get(connection)?.replyLinks.get(String(request.reply_to));
    if (!link || !link.is_open()) return;
    const properties: Record<string, unknown> = { "status-code": statusCode, "status-description": statusDescription };
    if (errorCondition) properties["error-condition"] = errorCondition;
    link.send({ correlation_id: request.message_id, to: request.reply_to, application_properties: properties, body });
  }

  private onIncoming(address: string, context: EventContext, delivery: Delivery): void {
    const ref = this.resolve(address);
    if (!ref) {
      delivery.reject(this.notFound(address));
      return;
    }
    const format = (context as EventContext & { format?: number }).format ?? 0;
    let messages: Message[];
    if (format === 0) {
      messages = [context.message as Message];
    } else if (format === BATCH_MESSAGE_FORMAT) {
      messages = decodeBatch(context.message as unknown as Buffer);
    } else {
      delivery.reject({ condition: "amqp:not-implemented", description: `Message format ${format} is not supported.` });
      return;
    }
    for (const message of messages) delete message.delivery_annotations;
    if (!ref.queue.enqueue(messages)) {
      const { errorCondition, statusDescription } = quotaExceeded(ref.queue);
      delivery.reject({ condition: errorCondition, description: statusDescription });
      return;
    }
    delivery.accept();
  }

  /** The client settled a message it received under a lock: complete, abandon, defer or dead-letter. */
  private onDisposition(context: EventContext, outcome: "accepted" | "released" | "modified" | "rejected"): void {
    const delivery = context.delivery as Delivery;
    const locked = this.lockedDeliveries.get(delivery);
    if (!locked) return;
    this.lockedDeliveries.delete(delivery);
    const { entity, lockToken } = locked;
    const state = (delivery.remote_state ?? {}) as {
      undeliverable_here?: boolean;
      message_annotations?: Record<string, unknown>;
      error?: { info?: Record<string, unknown> };
    };
    let result;
    if (outcome === "accepted") {
      result = entity.complete(lockToken);
    } else if (outcome === "released") {
      result = entity.abandon(lockToken);
    } else if (outcome === "modified") {
      result = state.undeliverable_here
        ? entity.defer(lockToken, state.message_annotations)
        : entity.abandon(lockToken, state.message_annotations);
    } else {
      const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = state.error?.info ?? {};
      result = entity.deadLetter(
        lockToken,
        optionalString(DeadLetterReason),
        optionalString(DeadLetterErrorDescription),
        properties,
      );
    }
    // Settling echoes the outcome applied; a lost lock is reported as rejected with an error.
    let settlement: Outcome;
    if (!result.ok) {
      settlement = outcomes.rejected({
        error: {
          condition: "com.microsoft:message-lock-lost",
          description:
            "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
        },
      });
    } else if (outcome === "accepted") {
      settlement = outcomes.accepted();
    } else if (outcome === "released") {
      settlement = outcomes.released();
    } else if (outcome === "modified") {
      settlement = outcomes.modified({ undeliverable_here: state.undeliverable_here });
    } else {
      settlement = outcomes.rejected({});
    }
    delivery.update(true, settlement.described());
    // With rcv-settle-mode "second" the client settles silently after us, but rhea keeps a
    // delivery in its session buffer until it sees both settlements; mark it done so it is freed.
    (delivery as Delivery & { remote_settled: boolean }).remote_settled = true;
  }
}

/** The messages inside a batch transfer: each data section holds one encoded message. */
function decodeBatch(payload: Buffer): Message[] {
  const body = decodeMessage(payload).body as { multiple?: boolean; content?: Buffer | Buffer[] } | undefined;
  const sections = body?.multiple ? (body.content as Buffer[]) : body?.content ? [body.content as Buffer] : [];
  return sections.map(decodeMessage);
}

/** Reorders UUID bytes as .NET's Guid.ToByteArray does; the SDK reverses this for delivery tags. */
function dotNetGuidBytes(uuid: Buffer): Buffer {
  return Buffer.from([uuid[3], uuid[2], uuid[1], uuid[0], uuid[5], uuid[4], uuid[7], uuid[6], ...uuid.subarray(8)]);
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}
