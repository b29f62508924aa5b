import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../shared/log.js";
import { chatlingsServer, HEALTH_PATH } from "./src/server.js";
import { HEALTH_PATH as PLATFORM_HEALTH_PATH } from "../../infra/core/health.js";

describe("chatlings-web", () => {
  const server = chatlingsServer(silentLogger);
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers the platform's health probe path", async () => {
    expect(HEALTH_PATH).toBe(PLATFORM_HEALTH_PATH);
    const response = await fetch(`${base}${HEALTH_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "healthy", checks: {} });
  });

  it("answers anything else with a 404 problem", async () => {
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
