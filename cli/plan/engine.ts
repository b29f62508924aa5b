import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks.js";
import { catalogEntry } from "../../infra/catalog/index.js";
import { armMocks } from "./mocks.js";
import { PLAN_SCHEMA_VERSION, REDACTED, type Plan, type PlanResource } from "./schema.js";

/** Pulumi marks secret values on the wire with this signature key and value. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Output names that hold credentials whatever the resource: never written to a plan. */
const SECRET_OUTPUT = /(password|secret|primaryKey|secondaryKey|connectionString|accessKey|sharedKey|^result$)/i;

export interface PlanOptions {
  project: string;
  stack: string;
  /** Pulumi's flat config for the stack (see stackfile.ts). */
  config: Record<string, string>;
  secretKeys: string[];
  /** The program to run: the estate program in production, small programs in tests. */
  program: () => Promise<Record<string, unknown> | void>;
  onProgress?: (resourcesSoFar: number) => void;
}

interface Registration {
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  dependencies: string[];
  inputs: Record<string, unknown>;
  urn?: string;
  id?: string;
  state?: Record<string, unknown>;
}

/** Records every registration the program makes, as the Pulumi engine would see it. */
class CapturingMonitor extends MockMonitor {
  readonly registrations: Registration[] = [];

  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly onRegister: (count: number) => void,
  ) {
    super(mocks);
  }

  override async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const registration: Registration = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      inputs: req.getObject()?.toJavaScript() ?? {},
    };
    this.registrations.push(registration);
    this.onRegister(this.registrations.length);
    return super.registerResource(req, (err: any, response: any) => {
      if (response) {
        registration.urn = response.getUrn();
        registration.id = response.getId() || undefined;
        registration.state = response.getObject()?.toJavaScript() ?? {};
      }
      callback(err, response);
    });
  }
}

/** The program failed: bad config, a naming error, a component's own check. Exit code 1. */
export class ProgramError extends Error {
  constructor(readonly cause: Error) {
    super(cause.message);
    this.name = "ProgramError";
  }
}

/**
 * Runs a Pulumi program under the mock runtime and returns everything it declared. Nothing is
 * sent anywhere: this is the offline plan.
 */
export async function planProgram(options: PlanOptions): Promise<Plan> {
  const monitor = new CapturingMonitor(armMocks, (n) => options.onProgress?.(n));
  await pulumi.runtime.setMocks(armMocks, options.project, options.stack, false);
  // setMocks installs a plain MockMonitor; swap in ours, keeping the features setMocks enabled.
  (pulumi.runtime as any).setMockOptions(monitor, options.project, options.stack, false);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  const started = performance.now();
  // Errors raised in apply callbacks surface as unhandled rejections: they fail the plan too.
  const asyncErrors: unknown[] = [];
  const onRejection = (reason: unknown) => asyncErrors.push(reason);
  process.on("unhandledRejection", onRejection);
  let stackOutputs: Record<string, unknown> | undefined;
  try {
    stackOutputs = (await pulumi.runtime.runInPulumiStack(async () => (await options.program()) ?? {})) as
      | Record<string, unknown>
      | undefined;
    // Components register their outputs after the program returns: wait for every RPC to land.
    await (pulumi.runtime as any).waitForRPCs();
  } catch (error) {
    throw new ProgramError(unwrapError(error));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  if (asyncErrors.length) throw new ProgramError(unwrapError(asyncErrors[0]));
  const durationMs = performance.now() - started;
  const profile = pulumi.runtime.allConfig()["estate:profile"] ?? "";

  const secretValues = options.secretKeys.map((k) => options.config[k]).filter((v): v is string => !!v);
  const redact = (value: unknown): unknown => redactValue(value, secretValues);
  const resources: PlanResource[] = monitor.registrations
    .filter((r) => r.urn && r.type !== "pulumi:pulumi:Stack")
    .map((r) => toPlanResource(r, redact));
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    stack: options.stack,
    profile,
    mode: "offline",
    project: options.project,
    createdAt: new Date().toISOString(),
    durationMs: Math.round(durationMs),
    resources,
    outputs: redact(stackOutputs ?? {}) as Record<string, unknown>,
  };
}

function toPlanResource(r: Registration, redact: (v: unknown) => unknown): PlanResource {
  const state = r.state ?? {};
  const inputs = r.inputs;
  // Outputs are what Azure adds to the inputs: the id, names and computed properties.
  const outputs: Record<string, unknown> = r.id ? { id: r.id } : {};
  for (const [key, value] of Object.entries(state)) {
    if (key in inputs && JSON.stringify(inputs[key]) === JSON.stringify(value)) continue;
    outputs[key] = SECRET_OUTPUT.test(key) ? REDACTED : value;
  }
  const entry = catalogEntry(r.type);
  const isStackParent = r.parent.includes("::pulumi:pulumi:Stack::");
  return {
    urn: r.urn!,
    type: r.type,
    name: r.name,
    physicalName: r.custom && typeof state.name === "string" ? state.name : undefined,
    armType: entry?.arm || undefined,
    custom: r.custom,
    parent: r.parent && !isStackParent ? r.parent : undefined,
    dependsOn: [...new Set(r.dependencies)].sort(),
    inputs: redact(inputs) as Record<string, unknown>,
    outputs: redact(outputs) as Record<string, unknown>,
  };
}

/** Replaces Pulumi secrets (and any value equal to a secret config value) with REDACTED. */
export function redactValue(value: unknown, secretValues: readonly string[]): unknown {
  if (typeof value === "string") return secretValues.some((s) => value.includes(s)) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secretValues));
  if (value && typeof value === "object") {
    if ((value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG) return REDACTED;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secretValues)]));
  }
  return value;
}

function unwrapError(error: unknown): Error {
  if (error instanceof Error) {
    // Pulumi wraps program errors; the innermost message is the one the user needs.
    const inner = (error as { cause?: unknown }).cause;
    return inner instanceof Error ? unwrapError(inner) : error;
  }
  return new Error(String(error));
}
