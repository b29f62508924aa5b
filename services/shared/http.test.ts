// Unit tests of the handler plumbing, calling handlers directly with the library's HttpRequest.
import functionsLibrary from "@azure/functions";
import { describe, expect, it } from "vitest";
import { requestFingerprint } from "../api/src/idempotency.js";
import { analyse, describeFailure } from "../worker/src/process.js";
import { readBody, readJson, withProblems, type JsonLimits } from "./http.js";
import type { Logger } from "./log.js";
import { ProblemError } from "./problem.js";

const { HttpRequest, InvocationContext } = functionsLibrary;
const limits = (maxBytes: number, maxDepth = 32, maxStringLength = 1024): JsonLimits => ({
  maxBytes,
  maxDepth,
  maxStringLength,
});
const context = new InvocationContext({ invocationId: "inv-1", functionName: "test" });
const request = (init: { body?: string; headers?: Record<string, string> } = {}) =>
  new HttpRequest({
    method: "POST",
    url: "http://localhost/api/v1/things",
    headers: init.headers,
    body: init.body === undefined ? undefined : { string: init.body },
  });

describe("withProblems", () => {
  const logged: string[] = [];
  const log: Logger = (level, message) => void logged.push(`${level} ${message}`);
  const answer = async (error: unknown) =>
    withProblems(log, async () => {
      throw error;
    })(request(), context);

  it("answers a ProblemError with its status, type and extra headers", async () => {
    const response = await answer(
      new ProblemError("unauthenticated", "no token", {}, { "WWW-Authenticate": "Bearer" }),
    );
    expect(response).toMatchObject({
      status: 401,
      headers: { "Content-Type": "application/problem+json", "WWW-Authenticate": "Bearer" },
    });
    expect(JSON.parse(response!.body as string)).toEqual({
      type: "urn:estate:problem:unauthenticated",
      title: expect.any(String),
      status: 401,
      detail: "no token",
      instance: "/api/v1/things",
    });
  });

  it("logs refused credentials and roles, and no other client error", async () => {
    logged.length = 0;
    await answer(new ProblemError("unauthenticated", "no token"));
    await answer(new ProblemError("forbidden", "needs writer"));
    await answer(new ProblemError("validation-failed", "bad field"));
    expect(logged).toEqual(["warn request refused", "warn request refused"]);
  });

  it("turns network failures of a dependency into 503 with Retry-After", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(await answer(refused)).toMatchObject({ status: 503, headers: { "Retry-After": "5" } });
    expect(await answer(new Error("wrapped", { cause: refused }))).toMatchObject({ status: 503 });
  });

  it("answers bugs with a 500 that names the invocation, not the error", async () => {
    const response = await answer(new TypeError("secret internals"));
    expect(response!.status).toBe(500);
    expect(response!.body).not.toContain("secret internals");
    expect(response!.body).toContain("inv-1");
    expect(logged.at(-1)).toBe("error unhandled error");
  });
});

describe("request bodies", () => {
  it("refuses a declared Content-Length over the limit before reading", async () => {
    await expect(readBody(request({ body: "x", headers: { "content-length": "1000" } }), 10)).rejects.toMatchObject({
      slug: "payload-too-large",
    });
  });

  it("refuses an undeclared body once it streams past the limit", async () => {
    await expect(readBody(request({ body: "x".repeat(11) }), 10)).rejects.toMatchObject({ slug: "payload-too-large" });
    expect((await readBody(request({ body: "x".repeat(10) }), 10)).length).toBe(10);
  });

  it("joins a body that arrives in chunks, and cancels one that outgrows the limit mid-stream", async () => {
    let cancelled = false;
    const streamed = (...chunks: string[]) =>
      ({
        headers: new Headers(),
        body: new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk = chunks.shift();
            if (chunk === undefined) controller.close();
            else controller.enqueue(new TextEncoder().encode(chunk));
          },
          cancel: () => void (cancelled = true),
        }),
      }) as unknown as InstanceType<typeof HttpRequest>;
    expect((await readBody(streamed("ab", "cd", "ef"), 6)).toString()).toBe("abcdef");
    expect(cancelled).toBe(false);
    await expect(readBody(streamed("ab", "cd", "ef"), 5)).rejects.toMatchObject({ slug: "payload-too-large" });
    expect(cancelled).toBe(true);
  });

  it("refuses bodies that are not UTF-8, and parses the next one all the same", async () => {
    const json = (body: Uint8Array) =>
      new HttpRequest({
        method: "POST",
        url: "http://localhost/x",
        headers: { "content-type": "application/json" },
        body: { bytes: body },
      });
    await expect(readJson(json(Uint8Array.of(0x22, 0xc3, 0x28, 0x22)), limits(100))).rejects.toMatchObject({
      slug: "malformed-json",
    });
    await expect(readJson(json(new TextEncoder().encode('"é"')), limits(100))).resolves.toBe("é");
  });

  it("accepts JSON media types only and parses strictly", async () => {
    await expect(
      readJson(request({ body: "{}", headers: { "content-type": "text/json" } }), limits(100)),
    ).rejects.toMatchObject({ slug: "unsupported-media-type" });
    await expect(
      readJson(request({ body: "{'a':1}", headers: { "content-type": "application/json" } }), limits(100)),
    ).rejects.toMatchObject({ slug: "malformed-json" });
    await expect(
      readJson(
        request({ body: '{"a":1}', headers: { "content-type": "application/merge-patch+json; charset=utf-8" } }),
        limits(100),
      ),
    ).resolves.toEqual({ a: 1 });
  });

  it("bounds nesting and string length before parsing", async () => {
    const body = (text: string) => request({ body: text, headers: { "content-type": "application/json" } });
    const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
    await expect(readJson(body(nested(10_000)), limits(20_000))).rejects.toMatchObject({
      slug: "validation-failed",
      detail: expect.stringMatching(/deeper than 32 levels/),
    });
    await expect(readJson(body(nested(32)), limits(100))).resolves.toBeInstanceOf(Array);
    await expect(readJson(body(`{"a":${nested(33)}}`), limits(100))).rejects.toMatchObject({
      slug: "validation-failed",
    });
    // Brackets inside strings are text, not nesting; an escaped quote does not end a string.
    await expect(
      readJson(body(JSON.stringify({ s: "[".repeat(200) + '\\"' })), limits(1000, 2, 300)),
    ).resolves.toMatchObject({ s: expect.any(String) });
    await expect(readJson(body(JSON.stringify({ s: "x".repeat(301) })), limits(1000, 2, 300))).rejects.toMatchObject({
      slug: "validation-failed",
      detail: expect.stringMatching(/longer than 300/),
    });
    await expect(readJson(body(JSON.stringify({ ["k".repeat(301)]: 1 })), limits(1000, 2, 300))).rejects.toMatchObject({
      slug: "validation-failed",
    });
  });
});

describe("request fingerprints", () => {
  it("ignore key order and whitespace but not values", () => {
    expect(requestFingerprint([{ a: 1, b: [{ c: 2, d: 3 }] }])).toBe(
      requestFingerprint([JSON.parse('{ "b": [{"d":3,"c":2}], "a": 1 }')]),
    );
    expect(requestFingerprint([{ a: 1 }])).not.toBe(requestFingerprint([{ a: 2 }]));
    expect(requestFingerprint(["text/plain", Buffer.from("x")])).not.toBe(
      requestFingerprint(["text/plain", Buffer.from("y")]),
    );
  });
});

describe("worker processing", () => {
  it("fingerprints content and counts lines of text only", () => {
    expect(analyse(Buffer.from("a\nb\nc"), "text/plain")).toMatchObject({
      bytes: 5,
      lines: 3,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(analyse(Buffer.from("a\nb"), "application/pdf").lines).toBe(0);
  });

  it("describes SDK errors that carry their meaning in code and status", () => {
    expect(
      describeFailure(Object.assign(new Error(""), { name: "RestError", code: "BlobNotFound", statusCode: 404 })),
    ).toBe("RestError; code BlobNotFound; status 404");
    expect(describeFailure("plain")).toBe("plain");
  });
});
