/**
 * A small Pulumi engine for tests, served over gRPC on loopback: the Engine service (logs, the
 * root resource) and a ResourceMonitor that answers registrations the way the offline plan's mocks
 * do (cli/plan/mocks.ts: ARM-shaped ids, the outputs Azure computes, inputs echoed back). For a
 * preview it answers as for resources not created yet: no id, and the computed outputs unknown.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { armMocks } from "../../cli/plan/mocks.js";
import {
  empty,
  engineGrpc,
  fromStruct,
  grpc,
  PULUMI_SDK_DIR,
  resourceGrpc,
  resourcePb,
  toStruct,
  UNKNOWN,
} from "./protocol.js";

const requireFromSdk = createRequire(path.join(PULUMI_SDK_DIR, "package.json"));
const enginePb = requireFromSdk("./proto/engine_pb.js");
const providerPb = requireFromSdk("./proto/provider_pb.js");

export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
}

export interface TestEngine {
  /** `127.0.0.1:<port>` of the Engine service (`--engine`). */
  address: string;
  /** `127.0.0.1:<port>` of the ResourceMonitor service (`--monitor`). */
  monitorAddress: string;
  registrations: Registration[];
  /** URNs whose outputs the program registered (components and the stack). */
  outputsRegistered: string[];
  logs: Array<{ severity: string; message: string; urn: string }>;
  stop: () => Promise<void>;
}

/** Secrets arrive wrapped (`{4dabf…: 1b47…, value}`); the mocks compute from plain values. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if ("4dabf18193072939515e22adb298388d" in record) return plain(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** The computed values as unknowns, keeping the fields the inputs give (an identity's `type`). */
function unknownBeyond(computed: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(computed).map(([key, value]) => {
      const given = inputs[key];
      const both = value && given && typeof value === "object" && typeof given === "object" && !Array.isArray(value);
      return [
        key,
        both
          ? {
              ...unknownBeyond(value as Record<string, unknown>, given as Record<string, unknown>),
              ...(given as object),
            }
          : UNKNOWN,
      ];
    }),
  );
}

type Callback = (error: Error | null, response?: unknown) => void;

/** Answers a unary call; a thrown error goes back to the program as the engine would send it. */
const unary =
  (handler: (request: any) => unknown | Promise<unknown>) =>
  (grpcCall: { request: any }, callback: Callback): void => {
    Promise.resolve()
      .then(() => handler(grpcCall.request))
      .then(
        (response) => callback(null, response),
        (error: Error) => callback(Object.assign(new Error(error.message), { code: grpc.status.UNKNOWN })),
      );
  };

async function serve(server: import("@grpc/grpc-js").Server): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return `127.0.0.1:${port}`;
}

export async function startEngine(
  options: { project?: string; stack?: string; preview?: boolean } = {},
): Promise<TestEngine> {
  const project = options.project ?? "estate";
  const stack = options.stack ?? "dev";
  const registrations: Registration[] = [];
  const outputsRegistered: string[] = [];
  const logs: TestEngine["logs"] = [];
  let root = "";
  const severities = Object.fromEntries(
    Object.entries(enginePb.LogSeverity as Record<string, number>).map(([name, value]) => [value, name.toLowerCase()]),
  );

  const engineServer = new grpc.Server();
  engineServer.addService(engineGrpc.EngineService, {
    log: unary((request) => {
      logs.push({ severity: severities[request.getSeverity()], message: request.getMessage(), urn: request.getUrn() });
      return empty();
    }),
    getRootResource: unary(() => new enginePb.GetRootResourceResponse().setUrn(root)),
    setRootResource: unary((request) => {
      root = request.getUrn();
      return new enginePb.SetRootResourceResponse();
    }),
    requirePulumiVersion: unary(() => new enginePb.RequirePulumiVersionResponse()),
  });

  const urnOf = (parent: string, type: string, name: string) => {
    // A child's URN carries its parent's type chain, as the engine builds it (the stack's type left out).
    const parentType = parent ? parent.split("::")[2] : "";
    const prefix = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$` : "";
    return `urn:pulumi:${stack}::${project}::${prefix}${type}::${name}`;
  };
  const declare = (
    type: string,
    name: string,
    parent: string,
    custom: boolean,
    wireInputs: Record<string, unknown>,
  ) => {
    const urn = urnOf(parent, type, name);
    registrations.push({ urn, type, name, custom, parent });
    if (!custom) return { urn, id: "", state: wireInputs };
    const { id, state } = armMocks.newResource({
      type,
      name,
      inputs: plain(wireInputs) as Record<string, any>,
      custom,
      provider: "",
      id: undefined,
    }) as {
      id: string;
      state: Record<string, unknown>;
    };
    // Inputs keep their wire form (secrets stay secret); the mocks add what Azure computes and
    // complete what it fills in (an identity's principal id).
    const given = plain(wireInputs) as Record<string, unknown>;
    const computed = Object.fromEntries(
      Object.entries(state).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(given[key])),
    );
    // A preview of a create: no id yet, and what Azure computes is unknown (the inputs are known).
    if (options.preview) return { urn, id: "", state: { ...wireInputs, ...unknownBeyond(computed, wireInputs) } };
    return { urn, id, state: { ...wireInputs, ...computed } };
  };

  const monitorServer = new grpc.Server();
  monitorServer.addService(resourceGrpc.ResourceMonitorService, {
    // A current engine supports every feature this SDK asks about.
    supportsFeature: unary(() => new resourcePb.SupportsFeatureResponse().setHassupport(true)),
    registerResource: unary((request) => {
      const { urn, id, state } = declare(
        request.getType(),
        request.getName(),
        request.getParent(),
        request.getCustom(),
        fromStruct(request.getObject()),
      );
      return new resourcePb.RegisterResourceResponse().setUrn(urn).setId(id).setObject(toStruct(state));
    }),
    readResource: unary((request) => {
      const { urn, state } = declare(
        request.getType(),
        request.getName(),
        request.getParent(),
        true,
        fromStruct(request.getProperties()),
      );
      return new resourcePb.ReadResourceResponse().setUrn(urn).setProperties(toStruct(state));
    }),
    registerResourceOutputs: unary((request) => {
      outputsRegistered.push(request.getUrn());
      return empty();
    }),
    invoke: unary(async (request) => {
      const result = await armMocks.call({
        token: request.getTok(),
        inputs: plain(fromStruct(request.getArgs())) as Record<string, any>,
        provider: request.getProvider(),
      });
      return new providerPb.InvokeResponse().setReturn(toStruct(result as Record<string, unknown>));
    }),
    registerPackage: unary(() => new resourcePb.RegisterPackageResponse().setRef(`package-${registrations.length}`)),
    signalAndWaitForShutdown: unary(() => empty()),
  });

  const [address, monitorAddress] = await Promise.all([serve(engineServer), serve(monitorServer)]);
  return {
    address,
    monitorAddress,
    registrations,
    outputsRegistered,
    logs,
    stop: async () => {
      // The processes that called it have exited by now: nothing is left to drain.
      for (const server of [engineServer, monitorServer]) server.forceShutdown();
    },
  };
}
