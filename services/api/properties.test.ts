// Property tests: whatever a client sends, the API answers with a 4xx problem+json, never a 500.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEnvironment } from "../local/environment.js";
import { startStackEnvironment } from "../../stacks/local.js";
import { PROBLEM_CONTENT_TYPE } from "../shared/problem.js";
import { apiClient, event, tokenFor, type ApiResponse } from "../testing/client.js";

let env: LocalEnvironment;
let call: ReturnType<typeof apiClient>;
let writer: string;

beforeAll(async () => {
  env = await startStackEnvironment({ services: ["api"] });
  call = apiClient(env.url);
  writer = await tokenFor(env, "tenant-p");
});
afterAll(() => env?.stop());

function expectClientProblem(response: ApiResponse) {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  expect(response.body.type).toMatch(/^urn:estate:problem:[a-z-]+$/);
  expect(response.body.status).toBe(response.status);
}

const valid = event("prop.test", "2024-01-01T00:00:00Z", { a: 1 });

const notA = (type: string) => fc.anything().filter((v) => typeof v !== type);
/** For each field, values its schema rejects. */
const invalidField = {
  schema_version: fc.anything().filter((v) => v !== 1),
  type: fc.oneof(
    notA("string"),
    fc.string().filter((s) => !/^[a-z][a-z0-9._-]{0,99}$/.test(s)),
  ),
  occurred_at: fc.oneof(
    notA("string"),
    fc.string().filter((s) => Number.isNaN(Date.parse(s))),
  ),
  // undefined would vanish in JSON, and an event without data is valid: only values JSON keeps.
  data: fc.anything().filter((v) => v !== undefined && (v === null || typeof v !== "object" || Array.isArray(v))),
};
const fieldName = fc.constantFrom(...(Object.keys(invalidField) as (keyof typeof invalidField)[]));

/** Bodies near the schema (one field broken or missing) and far from it (arbitrary JSON). */
const malformedJson = fc.oneof(
  fieldName.chain((field) => invalidField[field].map((value) => ({ ...valid, [field]: value }))),
  fieldName
    .filter((f) => f !== "data")
    .map((field) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== field))),
  fc.dictionary(fc.string(), fc.jsonValue()).map((extra) => ({ ...valid, ...extra, "extra!": true })),
  fc.array(fc.anything(), { maxLength: 5 }),
  fc.jsonValue(),
  fc.constant([]),
  fc.array(fc.constant(valid), { minLength: 101, maxLength: 120 }),
);
const rawText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("{", "[1,", "\u0000", '{"a":}', "nul"),
);

describe("random requests", () => {
  it("malformed event bodies are 4xx problems", async () => {
    await fc.assert(
      fc.asyncProperty(malformedJson, async (body) => {
        const text = JSON.stringify(body);
        fc.pre(text !== undefined);
        expectClientProblem(
          await call("POST", "/api/v1/events", {
            token: writer,
            body: text,
            headers: { "content-type": "application/json" },
          }),
        );
      }),
      { numRuns: 150 },
    );
  });

  it("non-JSON bodies and random content types are 4xx problems", async () => {
    await fc.assert(
      fc.asyncProperty(
        rawText,
        fc.constantFrom(
          "application/json",
          "text/plain",
          "application/xml",
          "",
          "application/json; charset=utf-8",
          "multipart/form-data",
        ),
        async (body, contentType) => {
          expectClientProblem(
            await call("POST", "/api/v1/events", {
              token: writer,
              body,
              headers: contentType ? { "content-type": contentType } : {},
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("random and tampered tokens are 401 problems", async () => {
    const segment = fc.base64String().map((s) => s.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"));
    const forged = fc.oneof(
      fc.string({ minLength: 1 }).filter((s) => !/[\r\n\0]/.test(s) && s.trim() === s),
      fc.tuple(segment, segment, segment).map((parts) => parts.join(".")),
      fc
        .record({ header: fc.jsonValue(), payload: fc.jsonValue() })
        .map(
          ({ header, payload }) =>
            [header, payload].map((p) => Buffer.from(JSON.stringify(p) ?? "").toString("base64url")).join(".") + ".sig",
        ),
      // One character changed anywhere but at a segment's end (whose low bits base64url may ignore).
      fc
        .nat({ max: writer.length - 2 })
        .filter((i) => writer[i] !== "." && writer[i + 1] !== ".")
        .map((i) => writer.slice(0, i) + (writer[i] === "A" ? "B" : "A") + writer.slice(i + 1)),
    );
    await fc.assert(
      fc.asyncProperty(forged, async (token) => {
        const response = await call("GET", "/api/v1/events", { headers: { authorization: `Bearer ${token}` } });
        expectClientProblem(response);
        expect(response.status).toBe(401);
      }),
      { numRuns: 150 },
    );
  });

  it("random query strings and document ids are 4xx problems or valid answers", async () => {
    const key = fc.constantFrom("type", "from", "to", "limit", "cursor", "x");
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(key, fc.string()), { maxLength: 4 }),
        fc.string({ minLength: 1 }),
        async (query, id) => {
          const listed = await call("GET", `/api/v1/events?${new URLSearchParams(query)}`, { token: writer });
          if (listed.status !== 200) expectClientProblem(listed);
          expectClientProblem(await call("GET", `/api/v1/documents/${encodeURIComponent(id)}`, { token: writer }));
        },
      ),
      { numRuns: 100 },
    );
  });
});
