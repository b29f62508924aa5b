// The reliability suite's short form: fast-check drives labelled requests (valid or not by
// construction) through the real local host and API, and every answer must be a 2xx exactly when
// the request was valid and allowed, never a 5xx, and a refused batch must leave nothing stored.
// The long form (outages, worker kills) is bench/reliability/run.ts.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEnvironment } from "./local/environment.js";
import { startStackEnvironment } from "../stacks/local.js";
import { PROBLEM_CONTENT_TYPE } from "./shared/problem.js";
import { apiClient, tokenFor, type ApiResponse } from "./testing/client.js";

let env: LocalEnvironment;
let call: ReturnType<typeof apiClient>;
let writer: string;
let reader: string;

beforeAll(async () => {
  env = await startStackEnvironment({ services: ["api"] });
  call = apiClient(env.url);
  [writer, reader] = await Promise.all([tokenFor(env, "tenant-r"), tokenFor(env, "tenant-r", "reader")]);
});
afterAll(() => env?.stop());

interface Labelled<T> {
  valid: boolean;
  value: T;
}
const label = <T>(valid: boolean, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<Labelled<T>> =>
  arbitrary.map((value) => ({ valid, value }));

const two = (n: number) => String(n).padStart(2, "0");
const sign = fc.constantFrom("+", "-");
const offset = fc.oneof(
  label(true, fc.constant("Z")),
  label(
    true,
    fc
      .tuple(sign, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.boolean())
      .map(([s, h, m, colon]) => `${s}${two(h)}${colon ? ":" : ""}${two(m)}`),
  ),
  label(
    false,
    fc
      .tuple(sign, fc.integer({ min: 24, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .map(([s, h, m]) => `${s}${two(h)}:${two(m)}`),
  ),
  label(
    false,
    fc
      .tuple(sign, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 60, max: 99 }))
      .map(([s, h, m]) => `${s}${two(h)}:${two(m)}`),
  ),
);
const instant = fc
  .tuple(
    fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true }),
    offset,
  )
  .map(([date, o]) => ({ valid: o.valid, value: date.toISOString().slice(0, 19) + o.value }));

const nested = (levels: number) => JSON.parse("[".repeat(levels) + "]".repeat(levels)) as unknown;
const data = fc.oneof(
  label(true, fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 })),
  label(
    true,
    fc.integer({ min: 1, max: 20 }).map((levels) => ({ deep: nested(levels) })),
  ),
  label(
    false,
    fc.integer({ min: 40, max: 400 }).map((levels) => ({ deep: nested(levels) })),
  ),
  label(
    false,
    fc.integer({ min: 33 * 1024, max: 40 * 1024 }).map((length) => ({ long: "x".repeat(length) })),
  ),
);

/** An event and whether the API must accept it; `type` is filled in per request. */
const eventArb = fc
  .tuple(
    instant,
    data,
    fc.constantFrom<Labelled<unknown>>(
      { valid: true, value: 1 },
      { valid: false, value: 2 },
      { valid: false, value: "1" },
    ),
    fc.boolean(),
  )
  .map(([at, d, version, extraField]) => ({
    valid: at.valid && d.valid && version.valid && !extraField,
    value: {
      schema_version: version.value,
      occurred_at: at.value,
      data: d.value,
      ...(extraField && { tenant_id: "someone-else" }),
    },
  }));

const roleArb = fc.constantFrom<string | string[] | undefined>(
  undefined,
  "reader",
  "writer",
  "admin",
  "guest",
  "writer ",
  "Reader",
  [],
  ["reader", "writer"],
  ["guest", "admin"],
);
const mayWrite = (role: string | string[] | undefined) =>
  [role ?? []].flat().some((r) => r === "writer" || r === "admin");
const mayRead = (role: string | string[] | undefined) => mayWrite(role) || [role ?? []].flat().includes("reader");

const tally = { requests: 0, wrong2xx: 0, serverErrors: 0 };
function check(response: ApiResponse, expectedOk: boolean, okStatus: number) {
  tally.requests++;
  if (response.status >= 500) tally.serverErrors++;
  if (response.status < 300 && !expectedOk) tally.wrong2xx++;
  expect(response.status).toBeLessThan(500);
  if (expectedOk) expect(response.status).toBe(okStatus);
  else {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  }
}

let run = 0;
describe("reliability: fuzzed requests against the API", () => {
  it("accepts a batch exactly when every event is valid, and stores all of it or none", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.boolean(),
        async (events, asArray, keyed) => {
          const type = `fuzz.batch${run++}`;
          const body = events.map((e) => ({ ...e.value, type }));
          const valid = events.every((e) => e.valid) && (asArray || events.length === 1);
          const headers = { "content-type": "application/json", ...(keyed && { "idempotency-key": type }) };
          const response = await call("POST", "/api/v1/events", {
            token: writer,
            body: JSON.stringify(asArray ? body : body.length === 1 ? body[0] : body.map((b) => ({ ...b, extra: 1 }))),
            headers,
          });
          check(response, valid, 201);
          const stored = await call("GET", `/api/v1/events?type=${type}&limit=100`, { token: reader });
          expect(stored.body.items).toHaveLength(valid ? events.length : 0);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("answers queries with 200 exactly when from and to are valid instants in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(instant, { nil: undefined }),
        fc.option(instant, { nil: undefined }),
        async (from, to) => {
          const query = new URLSearchParams({ ...(from && { from: from.value }), ...(to && { to: to.value }) });
          const ordered = !from?.valid || !to?.valid || Date.parse(from.value) <= Date.parse(to.value);
          check(
            await call("GET", `/api/v1/events?${query}`, { token: reader }),
            (from?.valid ?? true) && (to?.valid ?? true) && ordered,
            200,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("lets a token write only with writer or admin, and read only with reader, writer or admin", async () => {
    await fc.assert(
      fc.asyncProperty(roleArb, async (role) => {
        const token = await env.issuer.sign({ org_id: "tenant-r", ...(role !== undefined && { role }) });
        const type = `fuzz.role${run++}`;
        check(
          await call("POST", "/api/v1/events", {
            token,
            json: { schema_version: 1, type, occurred_at: "2024-01-01T00:00:00Z" },
          }),
          mayWrite(role),
          201,
        );
        check(await call("GET", `/api/v1/events?type=${type}`, { token }), mayRead(role), 200);
        check(
          await call("POST", "/api/v1/documents", { token, body: "fuzz", headers: { "content-type": "text/plain" } }),
          mayWrite(role),
          202,
        );
      }),
      { numRuns: 40 },
    );
    expect(tally).toMatchObject({ wrong2xx: 0, serverErrors: 0 });
  });
});
