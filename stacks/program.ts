import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config/load.js";
import { composeEstate } from "./estate.js";

/** Pulumi's runtime knows which config keys are secrets but does not type the helper that says so. */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

/**
 * The estate program: validates the whole stack config first (so a bad config declares
 * nothing), then composes the estate. `pulumi up` and `estate plan` run exactly this.
 */
export async function estateProgram(): Promise<Record<string, unknown>> {
  const raw = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(raw).filter((key) => isConfigSecret(key)));
  const config = loadConfig(raw, { stack: pulumi.getStack(), secretKeys });
  return { ...composeEstate(config) };
}
