// Glue between route handlers and the Functions HTTP model: error mapping to problem+json and
// bounded, type-checked request bodies.
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Logger } from "./log.js";
import { ProblemError, problemResponse } from "./problem.js";

export type RouteHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** Network-level failures of the Azure SDKs: the dependency, not the request, is at fault. */
const unavailableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "REQUEST_SEND_ERROR", "ServiceCommunicationProblem", "ServiceBusy", "ServiceTimeout", "TimeoutError"]);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, statusCode, cause } = error as Error & { code?: unknown; statusCode?: unknown; cause?: unknown };
  return (
    unavailableCodes.has(String(code)) ||
    statusCode === 503 ||
    error.name === "AbortError" ||
    error.name === "TimeoutError" ||
    (cause !== undefined && isUnavailable(cause))
  );
}

/** Wraps a route so that every failure is answered with problem+json; only real bugs are 500s. */
export function withProblems(log: Logger, handler: RouteHandler): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      const instance = new URL(request.url).pathname;
      if (error instanceof ProblemError) return problemResponse(error, instance);
      if (isUnavailable(error)) {
        log("warn", "dependency unavailable", { invocationId: context.invocationId, error: String(error) });
        return problemResponse(new ProblemError("dependency-unavailable", "a dependency did not answer; retry later", {}, { "Retry-After": "5" }), instance);
      }
      log("error", "unhandled error", { invocationId: context.invocationId, error: error instanceof Error ? error.stack : String(error) });
      return problemResponse(new ProblemError("internal-error", `see invocation ${context.invocationId} in the logs`), instance);
    }
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { "Cache-Control": "no-store", ...headers } };
}

export function mediaType(request: HttpRequest): string {
  return (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * Reads the body, refusing early on a declared Content-Length and again while streaming. A plain
 * reader loop: the stream's async iterator took half as long again on every request.
 */
export async function readBody(request: HttpRequest, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new ProblemError("payload-too-large", `the body must be at most ${maxBytes} bytes`, { maxBytes });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks, size);
}

// One decoder for every request: `decode` without `stream` keeps no state between calls.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export async function readJson(request: HttpRequest, maxBytes: number): Promise<unknown> {
  const type = mediaType(request);
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new ProblemError("unsupported-media-type", "send the body as application/json");
  }
  const body = await readBody(request, maxBytes);
  try {
    return JSON.parse(strictUtf8.decode(body));
  } catch {
    throw new ProblemError("malformed-json", "the body could not be parsed as UTF-8 JSON");
  }
}
