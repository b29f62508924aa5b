/**
 * The Pulumi engine's side of its gRPC protocols, for tests that run the policy pack and the
 * program as the Pulumi CLI starts them: the generated service definitions and messages that
 * ship with @pulumi/pulumi (loaded from its own folder, so they share its @grpc/grpc-js and
 * google-protobuf), the engine's encoding of property values, and child processes that print the
 * port they serve on, as plugins do.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { REDACTED } from "../../cli/plan/schema.js";

const requireHere = createRequire(import.meta.url);
/** The SDK's folder: its generated `proto/*_pb.js` and the modules they require. */
export const PULUMI_SDK_DIR = path.dirname(requireHere.resolve("@pulumi/pulumi/package.json"));
const requireFromSdk = createRequire(path.join(PULUMI_SDK_DIR, "package.json"));

// The generated code is untyped CommonJS; the tests use a handful of its messages and services.
export const grpc = requireFromSdk("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
export const analyzerPb = requireFromSdk("./proto/analyzer_pb.js") as any;
export const analyzerGrpc = requireFromSdk("./proto/analyzer_grpc_pb.js") as any;
export const resourcePb = requireFromSdk("./proto/resource_pb.js") as any;
export const resourceGrpc = requireFromSdk("./proto/resource_grpc_pb.js") as any;
export const engineGrpc = requireFromSdk("./proto/engine_grpc_pb.js") as any;
const structPb = requireFromSdk("google-protobuf/google/protobuf/struct_pb.js") as any;
const emptyPb = requireFromSdk("google-protobuf/google/protobuf/empty_pb.js") as any;
const rpc = requireFromSdk("./runtime/rpc.js") as {
  unknownValue: string;
  specialSigKey: string;
  specialSecretSig: string;
};

/** The engine's stand-in for a value not known yet (during preview): `04da6b54-80e4-46f7-96ec-b56ff0331ba9`. */
export const UNKNOWN = rpc.unknownValue;

export const toStruct = (value: Record<string, unknown>): any => structPb.Struct.fromJavaScript(value);
export const fromStruct = (struct: any): Record<string, unknown> => (struct ? struct.toJavaScript() : {});
export const empty = (): any => new emptyPb.Empty();

/** A secret as the engine marshals it (`KeepSecrets`): the plan's redacted values were secrets. */
export function withSecrets(value: unknown): unknown {
  if (value === REDACTED) return { [rpc.specialSigKey]: rpc.specialSecretSig, value: REDACTED };
  if (Array.isArray(value)) return value.map(withSecrets);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSecrets(v)]));
  return value;
}

/** Promisified unary call on a generated client. */
export function call<Res>(client: any, method: string, request: unknown): Promise<Res> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: Error | null, response: Res) => (error ? reject(error) : resolve(response))),
  );
}

export interface PluginProcess {
  child: ChildProcess;
  /** The port printed as the first line of stdout, as Pulumi plugins announce it. */
  port: Promise<number>;
  /** Everything it wrote so far. */
  output: () => { stdout: string; stderr: string };
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** Starts a process that serves gRPC and prints its port first, as the engine expects of a plugin. */
export function startPlugin(command: string, args: string[], options: SpawnOptions): PluginProcess {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const first = stdout.slice(0, newline).trim();
      // The engine reads exactly this line; anything else printed first breaks the handshake.
      if (/^\d+$/.test(first)) resolve(Number(first));
      else reject(new Error(`the first line on stdout is ${JSON.stringify(first)}, not a port\nstderr:\n${stderr}`));
    });
    void exited.then((code) =>
      reject(new Error(`exited with ${code} before printing a port\nstdout:\n${stdout}\nstderr:\n${stderr}`)),
    );
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    child,
    port,
    output: () => ({ stdout, stderr }),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Runs a process to its end. */
export function runToExit(
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
