// A small local stand-in for the Functions host: serves the same FunctionSet that index.ts hands
// to @azure/functions in Azure, converting node:http requests into the library's HttpRequest and
// its HttpResponse back; Service Bus triggers are driven by real @azure/service-bus receivers
// that settle like the Functions host does (complete on success, abandon on failure).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable, Transform } from "node:stream";
import { randomUUID } from "node:crypto";
import functionsLibrary, { type HttpResponseInit } from "@azure/functions";
import { ServiceBusClient, type ServiceBusReceiver } from "@azure/service-bus";
import {
  ROUTE_PREFIX,
  type FunctionSet,
  type HttpFunction,
  type ServiceBusQueueFunction,
  type TimerFunction,
} from "../shared/functions.js";
import type { Logger } from "../shared/log.js";
import { ProblemError, problemResponse } from "../shared/problem.js";
import { closeServer, LOOPBACK } from "./emulators.js";

/** The Functions host's own request size limit (maxRequestBodySize, 100 MB). */
// The library is a CommonJS bundle whose named exports Node's ESM loader cannot see.
const { HttpRequest, HttpResponse, InvocationContext } = functionsLibrary;

const HOST_MAX_BODY_BYTES = 100 * 1024 * 1024;

interface CompiledRoute {
  fn: HttpFunction;
  pattern: RegExp;
  paramNames: string[];
}

/** Compiles a Functions route template (`v1/documents/{id}`) into a matcher on the full path. */
function compileRoute(fn: HttpFunction): CompiledRoute {
  const paramNames: string[] = [];
  const source = `/${ROUTE_PREFIX}/${fn.route}`
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      paramNames.push(param[1]);
      return "([^/]+)";
    })
    .join("/");
  return { fn, pattern: new RegExp(`^${source}/?$`, "i"), paramNames };
}

function contextFor(functionName: string, log: Logger, triggerMetadata?: Record<string, unknown>) {
  const invocationId = randomUUID();
  return new InvocationContext({
    invocationId,
    functionName,
    triggerMetadata,
    logHandler: (level, ...args) =>
      log(
        level === "warning"
          ? "warn"
          : level === "error" || level === "critical"
            ? "error"
            : level === "debug" || level === "trace"
              ? "debug"
              : "info",
        args.map(String).join(" "),
        { functionName, invocationId },
      ),
  });
}

/**
 * The body as a stream the handler reads when it wants it, as the Functions host streams it with
 * `enableHttpStream` (registerWithAzure turns it on): a handler checks the token before reading,
 * so an unauthenticated client cannot make the host buffer 100 MB. Past the host's own limit the
 * stream fails with a payload-too-large problem.
 */
function requestBody(req: IncomingMessage): ReadableStream<Uint8Array> | undefined {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  let size = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > HOST_MAX_BODY_BYTES) done(hostLimitProblem());
      else done(null, chunk);
    },
  });
  req.on("error", (error) => limited.destroy(error));
  return Readable.toWeb(req.pipe(limited)) as ReadableStream<Uint8Array>;
}

const hostLimitProblem = () =>
  new ProblemError("payload-too-large", "the host accepts at most 100 MB", { maxBytes: HOST_MAX_BODY_BYTES });

/** A request the host cannot even route: named, with the part that is wrong. */
const badRequest = (detail: string, pointer: string) =>
  new ProblemError("validation-failed", detail, { errors: [{ pointer, detail }] });

async function writeResponse(res: ServerResponse, init: HttpResponseInit): Promise<void> {
  const response = new HttpResponse(init);
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(response.headers.entries());
  res.writeHead(response.status, { ...headers, "Content-Length": String(body.length) }).end(body);
}

export interface LocalHostOptions {
  functions: FunctionSet[];
  /** App settings, used like the Functions host does for `%SETTING%` queue names and connections. */
  settings: Record<string, string | undefined>;
  log: Logger;
  port?: number;
  /** Concurrent messages per queue trigger (the host's maxConcurrentCalls). */
  maxConcurrentCalls?: number;
}

export interface LocalHost {
  url: string;
  /** Stops receiving, waits for running invocations, then closes everything. */
  stop(): Promise<void>;
  /** A crash: receivers close at once and running invocations never settle their messages. */
  kill(): Promise<void>;
  /** Runs every timer function once now (they also run on their own schedule). */
  runTimers(): Promise<void>;
}

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const { log } = options;
  const routes = options.functions.flatMap((set) => set.http).map(compileRoute);

  const server = createServer((req, res) => {
    serveHttp(req, res).catch((error: unknown) => {
      log("error", "local host failed to answer", { error: String(error) });
      if (!res.headersSent)
        void writeResponse(
          res.setHeader("Connection", "close"),
          problemResponse(new ProblemError("internal-error", "the local host failed to answer; see its log")),
        );
      else res.destroy();
    });
  });
  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", `http://${req.headers.host ?? LOOPBACK}`);
    } catch {
      return writeResponse(
        res.setHeader("Connection", "close"),
        problemResponse(badRequest("the Host header and request target do not form a valid URL", "header:Host")),
      );
    }
    const matches = routes.map((route) => ({ route, match: route.pattern.exec(url.pathname) })).filter((m) => m.match);
    const target = matches.find((m) => m.route.fn.methods.includes(req.method as HttpFunction["methods"][number]));
    if (!target) {
      const problem =
        matches.length > 0
          ? new ProblemError("method-not-allowed", `use ${matches.flatMap((m) => m.route.fn.methods).join(", ")}`)
          : new ProblemError("not-found", "no such route");
      return writeResponse(res, problemResponse(problem, url.pathname));
    }
    if (Number(req.headers["content-length"] ?? 0) > HOST_MAX_BODY_BYTES)
      return writeResponse(res.setHeader("Connection", "close"), problemResponse(hostLimitProblem(), url.pathname));
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(
        target.route.paramNames.map((name, i) => [name, decodeURIComponent(target.match![i + 1])]),
      );
    } catch {
      return writeResponse(
        res,
        problemResponse(badRequest("the path holds an invalid percent-encoding", "path"), url.pathname),
      );
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(", ") : (value ?? ""),
      ]),
    );
    const body = requestBody(req);
    // The library's own streaming path (createStreamRequest) hands it a Fetch Request this way.
    const nativeRequest = new Request(url.href, { method: req.method, headers, body, duplex: "half" } as RequestInit);
    const request = new HttpRequest({ nativeRequest, params } as ConstructorParameters<typeof HttpRequest>[0]);
    const result = await target.route.fn.handler(request, contextFor(target.route.fn.name, log));
    // A body the handler did not read (a refused token, say) is not read now: the connection closes.
    if (body && !req.complete) res.setHeader("Connection", "close");
    await writeResponse(res, result ?? { status: 204 });
  }
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(options.port ?? 0, LOOPBACK, resolve),
  );

  const triggers = await Promise.all(
    options.functions.flatMap((set) => set.serviceBusQueues).map((fn) => startQueueTrigger(fn, options)),
  );
  const timers = options.functions.flatMap((set) => set.timers ?? []).map((fn) => startTimer(fn, log));
  const stopTimers = () => Promise.all(timers.map((timer) => timer.stop()));
  return {
    url: `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      await stopTimers();
      await Promise.all(triggers.map((trigger) => trigger.stop()));
      await closeServer(server);
    },
    kill: async () => {
      await stopTimers();
      await Promise.all(triggers.map((trigger) => trigger.kill()));
      await closeServer(server);
    },
    runTimers: async () => {
      await Promise.all(timers.map((timer) => timer.run()));
    },
  };
}

/** A timer trigger: one run at a time, like the host's singleton lock; a throw is logged. */
function startTimer(fn: TimerFunction, log: Logger) {
  let running: Promise<void> | undefined;
  const run = () =>
    (running ??= fn
      .handler(contextFor(fn.name, log))
      .catch((error: unknown) => log("error", "timer function failed", { function: fn.name, error: String(error) }))
      .finally(() => (running = undefined)));
  const interval = setInterval(run, fn.everySeconds * 1000);
  interval.unref();
  return {
    run,
    stop: async () => {
      clearInterval(interval);
      await running;
    },
  };
}

/** Resolves `%SETTING%` binding expressions the way the Functions host does. */
function resolveSetting(expression: string, settings: LocalHostOptions["settings"]): string {
  return expression.replace(/%(\w+)%/g, (_, name: string) => {
    const value = settings[name];
    if (!value) throw new Error(`binding expression %${name}% refers to an unset app setting`);
    return value;
  });
}

interface QueueTrigger {
  stop(): Promise<void>;
  kill(): Promise<void>;
}

async function startQueueTrigger(fn: ServiceBusQueueFunction, options: LocalHostOptions): Promise<QueueTrigger> {
  const connectionString = options.settings[fn.connection];
  if (!connectionString)
    throw new Error(`function ${fn.name}: app setting ${fn.connection} (a Service Bus connection string) is not set`);
  const queueName = resolveSetting(fn.queueName, options.settings);
  const client = new ServiceBusClient(connectionString);
  const receiver: ServiceBusReceiver = client.createReceiver(queueName, { receiveMode: "peekLock" });
  const running = new Set<Promise<void>>();
  // Set by kill(): a dead instance settles nothing, so its in-flight messages come back.
  let killed = false;

  const subscription = receiver.subscribe(
    {
      processMessage: async (message) => {
        const invocation = fn.handler(
          message.body,
          contextFor(fn.name, options.log, {
            messageId: message.messageId,
            // The AMQP header counts earlier deliveries; the Functions host reports 1 on the first.
            deliveryCount: (message.deliveryCount ?? 0) + 1,
            enqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
            lockToken: message.lockToken,
            contentType: message.contentType,
          }),
        ) as Promise<void>;
        const tracked = invocation.then(
          () => undefined,
          () => undefined,
        );
        running.add(tracked);
        try {
          await invocation; // a throw abandons the message (autoCompleteMessages), like the host
        } finally {
          running.delete(tracked);
        }
        if (killed) throw new Error("the host instance was killed before settling this message");
      },
      processError: async ({ error, errorSource }) => {
        options.log("warn", "service bus receiver error", { function: fn.name, errorSource, error: String(error) });
      },
    },
    { autoCompleteMessages: true, maxConcurrentCalls: options.maxConcurrentCalls ?? 8 },
  );

  const close = async () => {
    await receiver.close();
    await client.close();
  };
  return {
    stop: async () => {
      await subscription.close();
      await Promise.all(running);
      await close();
    },
    kill: () => {
      killed = true;
      return close();
    },
  };
}
