import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config/load.js";
import { composeEstate } from "./estate.js";
import { loadHostedServices } from "./services.js";

/** Pulumi's runtime knows which config keys are secrets but does not type the helper that says so. */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

/**
 * The estate program: validates the whole stack config and the hosted services' manifests first
 * (so a mistake in either declares nothing), then composes the estate. `pulumi up` and `estate plan` run exactly this.
 */
export async function estateProgram(): Promise<Record<string, unknown>> {
  const raw = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(raw).filter((key) => isConfigSecret(key)));
  const stack = pulumi.getStack();
  const config = loadConfig(raw, { stack, secretKeys });
  const services = await loadHostedServices(pulumi.runtime.getRootDirectory() || process.cwd(), config, stack);
  return { ...composeEstate(config, services) };
}
