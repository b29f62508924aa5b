// Integration tests of the API through real HTTP, the real SDKs and the local emulators.
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEnvironment } from "../local/environment.js";
import { startStackEnvironment } from "../../stacks/local.js";
import { PROBLEM_CONTENT_TYPE } from "../shared/problem.js";
import { apiClient, event, tokenFor, waitFor, type ApiResponse } from "../testing/client.js";

const MAX_UPLOAD_BYTES = 64 * 1024;
let env: LocalEnvironment;
let call: ReturnType<typeof apiClient>;
let writerA: string;
let readerA: string;
let writerB: string;

beforeAll(async () => {
  env = await startStackEnvironment({ settings: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
  call = apiClient(env.url);
  [writerA, readerA, writerB] = await Promise.all([
    tokenFor(env, "tenant-a"),
    tokenFor(env, "tenant-a", "reader"),
    tokenFor(env, "tenant-b"),
  ]);
});
afterAll(() => env?.stop());

function expectProblem(response: ApiResponse, status: number, slug: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  expect(response.body).toMatchObject({ type: `urn:estate:problem:${slug}`, status });
}

describe("events", () => {
  it("ingests a batch and reads it back, newest first", async () => {
    const batch = [
      event("order.created", "2024-03-01T10:00:00Z", { n: 1 }),
      event("order.paid", "2024-03-01T11:00:00+01:00", { n: 2 }),
    ];
    const created = await call("POST", "/api/v1/events", { token: writerA, json: batch });
    expect(created.status).toBe(201);
    expect(created.body.items).toHaveLength(2);
    expect(created.body.items[1].occurred_at).toBe("2024-03-01T10:00:00.000Z");

    const listed = await call("GET", "/api/v1/events?type=order.created", { token: readerA });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((e: { id: string }) => e.id)).toContain(created.body.items[0].id);
    expect(listed.body.items.every((e: { type: string }) => e.type === "order.created")).toBe(true);
  });

  it("makes retries with the same Idempotency-Key safe and refuses a different body", async () => {
    const body = event("invoice.sent", "2024-04-01T00:00:00Z", { amount: 10 });
    const headers = { "idempotency-key": "retry-1" };
    const first = await call("POST", "/api/v1/events", { token: writerA, json: body, headers });
    const again = await call("POST", "/api/v1/events", {
      token: writerA,
      json: { data: { amount: 10 }, occurred_at: "2024-04-01T00:00:00Z", type: "invoice.sent", schema_version: 1 },
      headers,
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");

    const listed = await call("GET", "/api/v1/events?type=invoice.sent", { token: writerA });
    expect(listed.body.items).toHaveLength(1);

    const conflicting = await call("POST", "/api/v1/events", {
      token: writerA,
      json: { ...body, data: { amount: 11 } },
      headers,
    });
    expectProblem(conflicting, 409, "idempotency-key-reused");
    // Keys are per tenant: B may use the same key for its own request.
    const otherTenant = await call("POST", "/api/v1/events", {
      token: writerB,
      json: { ...body, data: { amount: 99 } },
      headers,
    });
    expect(otherTenant.status).toBe(201);
  });

  it("pages through results with opaque cursors, without gaps or repeats", async () => {
    const times = Array.from({ length: 23 }, (_, i) => new Date(Date.UTC(2024, 5, 1, 0, 0, i % 7)).toISOString());
    await call("POST", "/api/v1/events", { token: writerA, json: times.map((t, i) => event("page.test", t, { i })) });
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/events?type=page.test&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await call("GET", query, { token: readerA });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.items.map((e: { data: { i: number } }) => e.data.i));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(times.map((_, i) => i));

    const first = await call("GET", "/api/v1/events?type=page.test&limit=5", { token: readerA });
    const reused = await call("GET", `/api/v1/events?type=other&limit=5&cursor=${first.body.next_cursor}`, {
      token: readerA,
    });
    expectProblem(reused, 400, "validation-failed");
    const forged = await call("GET", "/api/v1/events?cursor=bm90LWEtY3Vyc29y", { token: readerA });
    expectProblem(forged, 400, "validation-failed");
  });

  it("filters by time range and bounds the page size", async () => {
    await call("POST", "/api/v1/events", {
      token: writerA,
      json: ["2023-01-01T00:00:00Z", "2023-06-01T00:00:00Z", "2023-12-31T00:00:00Z"].map((t) => event("range.test", t)),
    });
    const ranged = await call(
      "GET",
      "/api/v1/events?type=range.test&from=2023-03-01T00:00:00Z&to=2023-12-31T00:00:00Z",
      { token: readerA },
    );
    expect(ranged.body.items.map((e: { occurred_at: string }) => e.occurred_at)).toEqual(["2023-06-01T00:00:00.000Z"]);
    expectProblem(await call("GET", "/api/v1/events?limit=1000", { token: readerA }), 400, "validation-failed");
    expectProblem(
      await call("GET", "/api/v1/events?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", { token: readerA }),
      400,
      "validation-failed",
    );
  });

  it("validates a whole batch before writing any of it, offsets included", async () => {
    const batch = [event("atomic.a", "2024-01-01T00:00:00Z"), event("atomic.b", "2024-01-01T00:00:00+24:00")];
    const refused = await call("POST", "/api/v1/events", { token: writerA, json: batch });
    expectProblem(refused, 400, "validation-failed");
    expect(refused.body.errors).toEqual([{ pointer: "/1/occurred_at", detail: expect.stringMatching(/offset/) }]);
    expect((await call("GET", "/api/v1/events?type=atomic.a", { token: readerA })).body.items).toEqual([]);
    for (const offset of ["+99:99", "-12:60", "+2400"]) {
      expectProblem(
        await call("POST", "/api/v1/events", {
          token: writerA,
          json: event("atomic.c", `2024-01-01T00:00:00${offset}`),
        }),
        400,
        "validation-failed",
      );
      for (const field of ["from", "to"]) {
        const listed = await call(
          "GET",
          `/api/v1/events?${field}=${encodeURIComponent(`2024-01-01T00:00:00${offset}`)}`,
          { token: readerA },
        );
        expectProblem(listed, 400, "validation-failed");
        expect(listed.body.errors[0].pointer).toBe(`/${field}`);
      }
    }
    const extreme = await call("POST", "/api/v1/events", {
      token: writerA,
      json: event("atomic.d", "2024-01-01T00:00:00-23:59"),
    });
    expect(extreme.status).toBe(201);
    expect(extreme.body.occurred_at).toBe("2024-01-01T23:59:00.000Z");
  });

  it("refuses deeply nested JSON and oversized strings with 400, not 500", async () => {
    const levels = 10_000;
    const nested = `{"schema_version":1,"type":"deep","occurred_at":"2024-01-01T00:00:00Z","data":{"x":${"[".repeat(levels)}${"]".repeat(levels)}}}`;
    expect(nested.length).toBeLessThan(21_000);
    const headers = { "content-type": "application/json", "idempotency-key": "deep-1" };
    expectProblem(
      await call("POST", "/api/v1/events", { token: writerA, body: nested, headers }),
      400,
      "validation-failed",
    );
    expectProblem(
      await call("POST", "/api/v1/events", {
        token: writerA,
        json: event("long", "2024-01-01T00:00:00Z", { s: "x".repeat(40 * 1024) }),
      }),
      400,
      "validation-failed",
    );
  });

  it("answers bad requests with problem+json", async () => {
    expectProblem(
      await call("POST", "/api/v1/events", {
        token: writerA,
        body: "{",
        headers: { "content-type": "application/json" },
      }),
      400,
      "malformed-json",
    );
    expectProblem(
      await call("POST", "/api/v1/events", {
        token: writerA,
        body: "a=b",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "unsupported-media-type",
    );
    expectProblem(
      await call("POST", "/api/v1/events", {
        token: writerA,
        json: { schema_version: 2, type: "x", occurred_at: "2024-01-01T00:00:00Z" },
      }),
      400,
      "validation-failed",
    );
    expectProblem(
      await call("POST", "/api/v1/events", {
        token: writerA,
        json: { ...event("x", "2024-01-01T00:00:00Z"), tenant_id: "tenant-b" },
      }),
      400,
      "validation-failed",
    );
    expectProblem(
      await call("POST", "/api/v1/events", {
        token: writerA,
        json: event("big", "2024-01-01T00:00:00Z", { blob: "x".repeat(300 * 1024) }),
      }),
      413,
      "payload-too-large",
    );
    expectProblem(
      await call("POST", "/api/v1/events", { token: readerA, json: event("x", "2024-01-01T00:00:00Z") }),
      403,
      "forbidden",
    );
    expectProblem(await call("GET", "/api/v1/events"), 401, "unauthenticated");
    expectProblem(await call("GET", "/api/v1/events", { token: "not-a-jwt" }), 401, "unauthenticated");
    expectProblem(
      await call("GET", "/api/v1/events", { token: await env.issuer.sign({ org_id: "tenant-a", expires_in: -120 }) }),
      401,
      "unauthenticated",
    );
    expectProblem(
      await call("GET", "/api/v1/events", {
        token: await env.issuer.sign({ org_id: "tenant-a", audience: "api://someone-else" }),
      }),
      401,
      "unauthenticated",
    );
    expectProblem(await call("GET", "/api/v1/nothing-here", { token: readerA }), 404, "not-found");
    expectProblem(await call("DELETE", "/api/v1/events", { token: writerA }), 405, "method-not-allowed");
  });
});

describe("roles", () => {
  it("lets only reader, writer and admin read events and documents", async () => {
    const doc = await call("POST", "/api/v1/documents", {
      token: writerA,
      body: "roles",
      headers: { "content-type": "text/plain" },
    });
    for (const role of [[], "guest", "writer ", "READER"]) {
      const token = await tokenFor(env, "tenant-a", role);
      expectProblem(await call("GET", "/api/v1/events", { token }), 403, "forbidden");
      expectProblem(await call("GET", `/api/v1/documents/${doc.body.id}`, { token }), 403, "forbidden");
    }
    for (const role of ["reader", "writer", "admin"]) {
      const token = await tokenFor(env, "tenant-a", role);
      expect((await call("GET", "/api/v1/events", { token })).status).toBe(200);
      expect((await call("GET", `/api/v1/documents/${doc.body.id}`, { token })).status).toBe(200);
    }
  });

  it("signs cursors: an edited one is refused", async () => {
    await call("POST", "/api/v1/events", {
      token: writerA,
      json: [1, 2, 3].map((i) => event("cursor.sig", "2024-02-01T00:00:00Z", { i })),
    });
    const first = await call("GET", "/api/v1/events?type=cursor.sig&limit=1", { token: readerA });
    const [payload] = (first.body.next_cursor as string).split(".");
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString());
    // The filter hash is made of values the client knows; without the key it cannot sign a new cursor.
    const edited = Buffer.from(JSON.stringify({ ...decoded, c: decoded.c + " " })).toString("base64url");
    for (const cursor of [edited, `${edited}.${first.body.next_cursor.split(".")[1]}`, payload]) {
      expectProblem(
        await call("GET", `/api/v1/events?type=cursor.sig&limit=1&cursor=${cursor}`, { token: readerA }),
        400,
        "validation-failed",
      );
    }
    expect(
      (await call("GET", `/api/v1/events?type=cursor.sig&limit=1&cursor=${first.body.next_cursor}`, { token: readerA }))
        .status,
    ).toBe(200);
  });
});

describe("tenant isolation", () => {
  it("never lets tenant B list, read or guess tenant A's data", async () => {
    const secret = await call("POST", "/api/v1/events", {
      token: writerA,
      json: event("secret.a", "2024-07-01T00:00:00Z", { s: 1 }),
    });
    const doc = await call("POST", "/api/v1/documents", {
      token: writerA,
      body: "tenant a only",
      headers: { "content-type": "text/plain" },
    });
    expect(doc.status).toBe(202);

    const listedByB = await call("GET", "/api/v1/events?type=secret.a", { token: writerB });
    expect(listedByB.body.items).toEqual([]);
    const allOfB = await call("GET", "/api/v1/events?limit=100", { token: writerB });
    expect(allOfB.body.items.some((e: { id: string }) => e.id === secret.body.id)).toBe(false);

    const readByB = await call("GET", `/api/v1/documents/${doc.body.id}`, { token: writerB });
    const missing = await call("GET", "/api/v1/documents/00000000-0000-4000-8000-000000000000", { token: writerB });
    expectProblem(readByB, 404, "not-found");
    expect(readByB.body.detail).toBe(missing.body.detail); // indistinguishable from a non-existent id
    expectProblem(await call("GET", "/api/v1/documents/..%2F..%2Ftenant-a", { token: writerB }), 404, "not-found");
  });
});

describe("documents", () => {
  it("stores the upload under the tenant prefix, queues it and reports it processed", async () => {
    const text = "line one\nline two\nline three";
    const uploaded = await call("POST", "/api/v1/documents", {
      token: writerA,
      body: text,
      headers: { "content-type": "text/plain", "content-disposition": 'attachment; filename="notes.txt"' },
    });
    expect(uploaded.status).toBe(202);
    expect(uploaded.headers.get("location")).toBe(`/api/v1/documents/${uploaded.body.id}`);
    expect(uploaded.body).toMatchObject({ name: "notes.txt", status: "pending", size: text.length });

    const blob = BlobServiceClient.fromConnectionString(env.blob.connectionString)
      .getContainerClient("documents")
      .getBlobClient(`tenant-a/${uploaded.body.id}`);
    expect((await blob.downloadToBuffer()).toString()).toBe(text);

    const processed = await waitFor(
      async () => {
        const current = await call("GET", `/api/v1/documents/${uploaded.body.id}`, { token: readerA });
        return current.body.status === "processed" ? current : undefined;
      },
      10_000,
      "the worker to process the document",
    );
    expect(processed.body.result).toMatchObject({ bytes: text.length, lines: 3 });
  });

  it("enforces the upload limit and a media type", async () => {
    expectProblem(
      await call("POST", "/api/v1/documents", {
        token: writerA,
        body: Buffer.alloc(MAX_UPLOAD_BYTES + 1),
        headers: { "content-type": "application/octet-stream" },
      }),
      413,
      "payload-too-large",
    );
    expectProblem(
      await call("POST", "/api/v1/documents", { token: writerA, body: "x", headers: { "content-type": "not a type" } }),
      415,
      "unsupported-media-type",
    );
    expectProblem(
      await call("POST", "/api/v1/documents", { token: writerA, body: "", headers: { "content-type": "text/plain" } }),
      400,
      "validation-failed",
    );
    expectProblem(
      await call("POST", "/api/v1/documents", { token: readerA, body: "x", headers: { "content-type": "text/plain" } }),
      403,
      "forbidden",
    );
  });
});

describe("health", () => {
  it("is 200 with every dependency up and 503 once a required one stops", async () => {
    const healthy = await call("GET", "/api/v1/health");
    expect(healthy.status).toBe(200);
    expect(healthy.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(healthy.body.checks).sort()).toEqual(["blob", "cosmos", "servicebus"]);

    await env.cosmos.stop();
    const unhealthy = await call("GET", "/api/v1/health");
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.body.status).toBe("unhealthy");
    expect(unhealthy.body.checks.cosmos.status).toBe("down");
    expect(unhealthy.body.checks.blob.status).toBe("up");
    expect(unhealthy.body.checks.cosmos.latency_ms).toEqual(expect.any(Number));
  });
});
