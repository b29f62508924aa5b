import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks.js";
import { catalogEntry } from "../../infra/catalog/index.js";
import { armMocks } from "./mocks.js";
import { runtimeInternals, setRootDirectory, withoutDebugTraces } from "./pulumi-internals.js";
import { ProgramError } from "./program-error.js";
import { PLAN_SCHEMA_VERSION, REDACTED, type Plan, type PlanResource } from "./schema.js";

export { ProgramError };

/** Pulumi marks secret values on the wire with this signature key and value. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Output names that hold credentials whatever the resource: never written to a plan. */
const SECRET_OUTPUT = /(password|secret|primaryKey|secondaryKey|connectionString|accessKey|sharedKey|^result$)/i;

const STALLED =
  "the program stopped with resources still waiting on each other: look for a dependency cycle, " +
  "e.g. a resource that depends on a component which holds something depending on that resource";

export interface PlanOptions {
  project: string;
  stack: string;
  /** Pulumi's flat config for the stack (see stacks/config/stackfile.ts). */
  config: Record<string, string>;
  secretKeys: string[];
  /** The project folder, as `pulumi.runtime.getRootDirectory()` reports it in the cloud. */
  rootDirectory?: string;
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

/**
 * Aliases only match a resource against a prior state, which an offline plan has none of. Pulumi
 * turns each into a URN output in the resource's constructor, and azure-native gives every
 * resource one per earlier API version (24 for a web app, 60 for a virtual network): most of an
 * offline plan's time went there.
 */
function withoutAliases(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult {
  return { props: args.props, opts: { ...args.opts, aliases: undefined } };
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

  /** Outputs the resource declares secret (e.g. a random password's result), for the mocks to mark. */
  pendingSecretOutputs: string[] = [];

  override async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    this.pendingSecretOutputs = req.getAdditionalsecretoutputsList();
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

/**
 * Runs a Pulumi program under the mock runtime and returns everything it declared. Nothing is
 * sent anywhere: this is the offline plan.
 */
export async function planProgram(options: PlanOptions): Promise<Plan> {
  // The engine, not the SDK, marks `additionalSecretOutputs` secret; under mocks we do it here so
  // a secret output stays secret wherever it flows. MockMonitor calls newResource synchronously
  // at the start of registerResource, so the pending list belongs to this very registration.
  const mocks: pulumi.runtime.Mocks = {
    call: (args) => armMocks.call(args),
    newResource: async (args) => {
      const secrets = monitor.pendingSecretOutputs;
      const result = await armMocks.newResource(args);
      const state = { ...result.state };
      for (const key of secrets) if (key in state) state[key] = { [SECRET_SIG_KEY]: SECRET_SIG, value: state[key] };
      return { ...result, state };
    },
  };
  const monitor = new CapturingMonitor(mocks, (n) => options.onProgress?.(n));
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, false);
  // setMocks installs a plain MockMonitor; swap in ours, keeping the features setMocks enabled.
  runtimeInternals.setMockOptions(monitor, options.project, options.stack, false);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  if (options.rootDirectory) setRootDirectory(options.rootDirectory);

  const started = performance.now();
  // Pulumi formats a stack trace for every promise it makes and every resource it constructs (its
  // debugging aids), a good part of an offline plan's time and of no use to it: none for those
  // (withoutDebugTraces), and one frame for every other error, which is where an error in the
  // program was thrown, all the CLI prints of a bug (cli/failure.ts). ESTATE_DEBUG=1 keeps whole stack traces.
  const stackTraceLimit = Error.stackTraceLimit;
  let restoreDebugTraces = () => {};
  if (!process.env.ESTATE_DEBUG) {
    Error.stackTraceLimit = 1;
    restoreDebugTraces = withoutDebugTraces();
  }
  // Errors raised in apply callbacks surface as unhandled rejections: they fail the plan too.
  const asyncErrors: unknown[] = [];
  const onRejection = (reason: unknown) => asyncErrors.push(reason);
  process.on("unhandledRejection", onRejection);
  // The program's own error is caught inside the stack so Pulumi's stack plumbing does not leave
  // rejected promises behind; it is rethrown once every registration has landed.
  let programError: unknown;
  let stackOutputs: Record<string, unknown> | undefined;
  // Resources that wait on each other leave Node with nothing to do: say so instead of exiting silently.
  let onStall = () => {};
  const stalled = new Promise<never>((_, reject) => {
    onStall = () => reject(new Error(STALLED));
    process.once("beforeExit", onStall);
  });
  try {
    const run = async () => {
      await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(withoutAliases);
        try {
          const outputs = (await options.program()) ?? {};
          stackOutputs = (await resolveKeepingSecrets(outputs)) as Record<string, unknown>;
          return outputs;
        } catch (error) {
          programError = error;
          return {};
        }
      });
      // Components register their outputs after the program returns: wait for every RPC to land.
      await runtimeInternals.waitForRPCs();
    };
    await Promise.race([run(), stalled]);
  } catch (error) {
    programError ??= error;
  } finally {
    process.off("unhandledRejection", onRejection);
    process.off("beforeExit", onStall);
    Error.stackTraceLimit = stackTraceLimit;
    restoreDebugTraces();
  }
  const failure = programError ?? asyncErrors[0];
  if (failure !== undefined) throw new ProgramError(unwrapError(failure), declaredCount(monitor));
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

/** Resolves Outputs to plain values, with secret ones replaced by REDACTED. */
async function resolveKeepingSecrets(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    if (await pulumi.isSecret(value)) return REDACTED;
    const inner = await new Promise<unknown>((resolve) => value.apply((v) => resolve(v)));
    return resolveKeepingSecrets(inner);
  }
  if (value instanceof Promise) return resolveKeepingSecrets(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveKeepingSecrets));
  if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveKeepingSecrets(v)]));
    return Object.fromEntries(entries);
  }
  return pulumi.Resource.isInstance(value) ? "[resource]" : value;
}

function declaredCount(monitor: CapturingMonitor): number {
  return monitor.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack").length;
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
