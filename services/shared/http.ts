// Glue between route handlers and the Functions HTTP model: error mapping to problem+json and
// bounded, type-checked request bodies.
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Logger } from "./log.js";
import { ProblemError, problemResponse } from "./problem.js";

export type RouteHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** Network-level failures of the Azure SDKs: the dependency, not the request, is at fault. */
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "REQUEST_SEND_ERROR",
  "ServiceCommunicationProblem",
  "ServiceBusy",
  "ServiceTimeout",
  "TimeoutError",
]);

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
      if (error instanceof ProblemError) {
        // Refused credentials and roles are what an intrusion looks like: logged, without the token.
        if (error.status === 401 || error.status === 403)
          log("warn", "request refused", {
            invocationId: context.invocationId,
            status: error.status,
            problem: error.slug,
            detail: error.detail,
            method: request.method,
            path: instance,
          });
        return problemResponse(error, instance);
      }
      if (isUnavailable(error)) {
        log("warn", "dependency unavailable", { invocationId: context.invocationId, error: String(error) });
        return problemResponse(
          new ProblemError(
            "dependency-unavailable",
            "a dependency did not answer; retry later",
            {},
            { "Retry-After": "5" },
          ),
          instance,
        );
      }
      log("error", "unhandled error", {
        invocationId: context.invocationId,
        error: error instanceof Error ? error.stack : String(error),
      });
      return problemResponse(
        new ProblemError("internal-error", `see invocation ${context.invocationId} in the logs`),
        instance,
      );
    }
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { "Cache-Control": "no-store", ...headers } };
}

/** What the body readers need of a request: the Functions HttpRequest and a Fetch Request both fit. */
export interface RequestWithBody {
  readonly headers: Headers;
  readonly body: { getReader(): ReadableStreamDefaultReader<Uint8Array> } | null;
}

export function mediaType(request: RequestWithBody): string {
  return (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * Reads the body, refusing early on a declared Content-Length and again while streaming. A plain
 * reader loop: the stream's async iterator took half as long again on every request.
 */
export async function readBody(request: RequestWithBody, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new ProblemError("payload-too-large", `the body must be at most ${maxBytes} bytes`, { maxBytes });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
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

export interface JsonLimits {
  maxBytes: number;
  /** Deepest nesting of arrays and objects; the body itself is level 1. */
  maxDepth: number;
  /** Longest string, key or value, in characters as written in the JSON text (an escape counts in full). */
  maxStringLength: number;
}

export async function readJson(request: RequestWithBody, limits: JsonLimits): Promise<unknown> {
  const type = mediaType(request);
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new ProblemError("unsupported-media-type", "send the body as application/json");
  }
  const body = await readBody(request, limits.maxBytes);
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw malformedJson();
  }
  checkJsonShape(text, limits);
  try {
    return JSON.parse(text);
  } catch {
    throw malformedJson();
  }
}

const malformedJson = () => new ProblemError("malformed-json", "the body could not be parsed as UTF-8 JSON");

/**
 * Bounds nesting and string length before JSON.parse builds anything: everything that walks the
 * parsed value afterwards (fingerprints, the SDK's JSON.stringify) recurses once per level, and
 * 10,000 levels fit in 20 KB. One pass over the text; a text too short to break either bound is
 * not scanned at all, which is every small request.
 */
function checkJsonShape(text: string, { maxDepth, maxStringLength }: JsonLimits): void {
  if (text.length <= 2 * maxDepth && text.length <= maxStringLength) return;
  let depth = 0;
  let stringStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (stringStart >= 0) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) {
        if (i - stringStart - 1 > maxStringLength)
          throw shapeProblem(`a string longer than ${maxStringLength} characters starts at character ${stringStart}`, {
            maxStringLength,
          });
        stringStart = -1;
      }
    } else if (c === 0x22) stringStart = i;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth)
        throw shapeProblem(`the JSON nests deeper than ${maxDepth} levels at character ${i}`, { maxDepth });
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  // An unterminated string: JSON.parse reports it as malformed.
}

const shapeProblem = (detail: string, limit: Record<string, number>) =>
  new ProblemError("validation-failed", detail, { errors: [{ pointer: "", detail }], ...limit });
