import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { InlineProgramArgs } from "@pulumi/pulumi/automation";

/**
 * Everything the cloud path asks of Pulumi, behind one interface: the Automation API in real use,
 * a fake in tests (the Pulumi CLI cannot be assumed, and nothing here may pretend to reach Azure).
 */
export interface StackTarget {
  projectDir: string;
  stack: string;
  /** Backend and credentials for the Pulumi CLI the Automation API runs (PULUMI_BACKEND_URL...). */
  env: Record<string, string>;
  /** `azurekeyvault://...` from `estate bootstrap`, used when the stack is first created. */
  secretsProvider?: string;
}

export interface OperationOptions extends StackTarget {
  /** Policy pack folders passed to the engine (`--policy-pack`); not used by destroy. */
  policyPacks: string[];
  onEvent: (event: EngineEvent) => void;
}

export interface InlineTarget {
  projectName: string;
  stack: string;
  program: InlineProgramArgs["program"];
  env: Record<string, string>;
  config: Record<string, string>;
}

export interface StackListing {
  name: string;
  lastUpdate?: string;
  resourceCount?: number;
}

export interface CloudEngine {
  preview(options: OperationOptions): Promise<void>;
  up(options: OperationOptions): Promise<Record<string, unknown>>;
  destroy(options: OperationOptions): Promise<void>;
  removeStack(target: StackTarget): Promise<void>;
  listStacks(target: Omit<StackTarget, "stack">): Promise<StackListing[]>;
  /** A stack's config as the backend holds it (`estate:expiresAt`...), secrets left out. */
  stackConfig(target: StackTarget): Promise<Record<string, string>>;
  /** `pulumi up` of a program defined in code (bootstrap), returning its outputs. */
  upInline(target: InlineTarget): Promise<Record<string, unknown>>;
}

const plainOutputs = (outputs: Record<string, { value: unknown; secret: boolean }>) =>
  Object.fromEntries(Object.entries(outputs).map(([key, o]) => [key, o.secret ? "[secret]" : o.value]));

/** The Automation API, loaded when a cloud command runs: the offline commands never need the SDK. */
/** The file, not the folder: Node does not import a directory as an ES module, as the bundle imports it. */
export const AUTOMATION_MODULE = "@pulumi/pulumi/automation/index.js";
const automation = (): Promise<typeof import("@pulumi/pulumi/automation")> => import(AUTOMATION_MODULE);

async function selectStack(target: StackTarget) {
  const { LocalWorkspace } = await automation();
  return LocalWorkspace.createOrSelectStack(
    { stackName: target.stack, workDir: target.projectDir },
    { envVars: target.env, secretsProvider: target.secretsProvider },
  );
}

/** The real engine: the Pulumi CLI through the Automation API, in the project folder. */
export const automationEngine: CloudEngine = {
  async preview(options) {
    const stack = await selectStack(options);
    await stack.preview({ policyPacks: options.policyPacks, onEvent: options.onEvent });
  },
  async up(options) {
    const stack = await selectStack(options);
    const result = await stack.up({ policyPacks: options.policyPacks, onEvent: options.onEvent });
    return plainOutputs(result.outputs);
  },
  async destroy(options) {
    const stack = await selectStack(options);
    await stack.destroy({ onEvent: options.onEvent });
  },
  async removeStack(target) {
    const workspace = await (
      await automation()
    ).LocalWorkspace.create({ workDir: target.projectDir, envVars: target.env });
    await workspace.removeStack(target.stack);
  },
  async listStacks(target) {
    const workspace = await (
      await automation()
    ).LocalWorkspace.create({ workDir: target.projectDir, envVars: target.env });
    return (await workspace.listStacks()).map(({ name, lastUpdate, resourceCount }) => ({
      name,
      lastUpdate,
      resourceCount,
    }));
  },
  async stackConfig(target) {
    const stack = await selectStack(target);
    const config = await stack.getAllConfig();
    return Object.fromEntries(
      Object.entries(config)
        .filter(([, v]) => !v.secret)
        .map(([key, v]) => [key, v.value]),
    );
  },
  async upInline(target) {
    const stack = await (
      await automation()
    ).LocalWorkspace.createOrSelectStack(
      { projectName: target.projectName, stackName: target.stack, program: target.program },
      { envVars: target.env },
    );
    for (const [key, value] of Object.entries(target.config)) await stack.setConfig(key, { value });
    const result = await stack.up();
    return plainOutputs(result.outputs);
  },
};
