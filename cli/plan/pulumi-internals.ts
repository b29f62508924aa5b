import * as pulumi from "@pulumi/pulumi";
import * as state from "@pulumi/pulumi/runtime/state.js";

/**
 * The few Pulumi SDK internals the offline plan relies on, typed in one place. They are exported
 * by the SDK's JavaScript but not by its type declarations; a Pulumi upgrade that changes them
 * breaks the plan engine's tests, not users' plans silently.
 */
interface RuntimeInternals {
  /** Installs a mock monitor (setMocks installs a plain one; the engine swaps in its own). */
  setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
  /** Resolves once every outstanding resource registration has been answered. */
  waitForRPCs(): Promise<void>;
}

interface StateInternals {
  getStore(): { settings: { options: { rootDirectory?: string } } };
}

export const runtimeInternals = pulumi.runtime as unknown as RuntimeInternals;

/** Sets what `pulumi.runtime.getRootDirectory()` returns, as the CLI does for a real run. */
export function setRootDirectory(dir: string): void {
  (state as unknown as StateInternals).getStore().settings.options.rootDirectory = dir;
}
