// Outages of the API's dependencies, cut through loopback TCP proxies: every outage is a 503
// problem+json, nothing is half-written, and a retry with the same Idempotency-Key converges.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalEnvironment, type LocalEnvironment } from "../local/environment.js";
import { PROBLEM_CONTENT_TYPE } from "../shared/problem.js";
import { apiClient, event, tokenFor, type ApiResponse } from "../testing/client.js";

let env: LocalEnvironment;
let call: ReturnType<typeof apiClient>;
let writer: string;

beforeAll(async () => {
  env = await startLocalEnvironment({ services: ["api"], proxies: true });
  call = apiClient(env.url);
  writer = await tokenFor(env, "tenant-o");
});
afterAll(() => env?.stop());

const proxies = () => env.proxies!;
const isCosmosBatch = (chunk: Buffer) => chunk.includes("x-ms-cosmos-is-batch-request");

function expectUnavailable(response: ApiResponse) {
  expect(response.status).toBe(503);
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  expect(response.body.type).toBe("urn:estate:problem:dependency-unavailable");
}

const listed = async (type: string) => (await call("GET", `/api/v1/events?type=${type}&limit=100`, { token: writer })).body.items as { id: string; data: { i: number } }[];

describe("event batches under outages", () => {
  it("stores nothing when the batch write fails, and a retry with the same key stores each event once", async () => {
    const batch = [0, 1, 2].map((i) => event("outage.batch", "2024-05-01T00:00:00Z", { i }));
    const headers = { "idempotency-key": "outage-batch-1" };
    proxies().cosmos.dropWhen(isCosmosBatch);
    try {
      expectUnavailable(await call("POST", "/api/v1/events", { token: writer, json: batch, headers }));
    } finally {
      proxies().cosmos.dropWhen(undefined);
    }
    expect(await listed("outage.batch")).toEqual([]);

    const retried = await call("POST", "/api/v1/events", { token: writer, json: batch, headers });
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    const again = await call("POST", "/api/v1/events", { token: writer, json: batch, headers });
    expect(again.body).toEqual(retried.body);
    const stored = await listed("outage.batch");
    expect(stored.map((e) => e.data.i).sort()).toEqual([0, 1, 2]);
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(retried.body.items.map((e: { id: string }) => e.id)));
  });

  it("answers 503 while Cosmos DB is cut and recovers after", async () => {
    proxies().cosmos.cut();
    try {
      expectUnavailable(await call("POST", "/api/v1/events", { token: writer, json: [event("outage.cut", "2024-05-01T00:00:00Z")] }));
      expectUnavailable(await call("GET", "/api/v1/events", { token: writer }));
    } finally {
      proxies().cosmos.restore();
    }
    expect((await call("POST", "/api/v1/events", { token: writer, json: [event("outage.cut", "2024-05-01T00:00:00Z")] })).status).toBe(201);
  });
});
