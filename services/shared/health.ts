// Dependency health for GET /api/v1/health: every check runs in parallel under its own deadline,
// so one hung dependency cannot hang the probe.
import type { HttpResponseInit } from "@azure/functions";
import { json } from "./http.js";

export interface HealthCheck {
  name: string;
  /** A required dependency being down makes the service unhealthy (503). */
  required: boolean;
  probe(signal: AbortSignal): Promise<unknown>;
}

const HEALTH_TIMEOUT_MS = 2_000;

interface CheckResult {
  status: "up" | "down";
  required: boolean;
  latency_ms: number;
  detail?: string;
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const deadline = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(new Error(`no answer within ${timeoutMs} ms`))),
  );
  try {
    await Promise.race([check.probe(signal), deadline]);
    return { status: "up", required: check.required, latency_ms: Math.round(performance.now() - started) };
  } catch {
    // Only the class of failure: the endpoint is anonymous and must not leak internals.
    const detail = signal.aborted ? `no answer within ${timeoutMs} ms` : "unreachable or refused";
    return { status: "down", required: check.required, latency_ms: Math.round(performance.now() - started), detail };
  }
}

export async function healthResponse(checks: HealthCheck[]): Promise<HttpResponseInit> {
  const results = await Promise.all(
    checks.map(async (check) => [check.name, await runCheck(check, HEALTH_TIMEOUT_MS)] as const),
  );
  const healthy = results.every(([, result]) => result.status === "up" || !result.required);
  return json(healthy ? 200 : 503, { status: healthy ? "healthy" : "unhealthy", checks: Object.fromEntries(results) });
}
