import { createRequire } from "node:module";
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
  getStore(): { settings: { options: { rootDirectory?: string } }; leakCandidates: Set<Promise<unknown>> };
}

export const runtimeInternals = pulumi.runtime as unknown as RuntimeInternals;

/** Sets what `pulumi.runtime.getRootDirectory()` returns, as the CLI does for a real run. */
export function setRootDirectory(dir: string): void {
  (state as unknown as StateInternals).getStore().settings.options.rootDirectory = dir;
}

interface DebuggableInternals {
  debuggablePromise<T>(promise: Promise<T>, context: string): Promise<T>;
}

/**
 * Turns off two debugging aids of the SDK that an offline plan pays for per resource and never
 * uses; returns what puts them back. Every resource's constructor formats the whole JavaScript
 * stack (no depth limit) for the engine to show where the resource was declared, which the mock
 * monitor drops. Every promise the runtime makes (four per output property of every resource)
 * gets a stack trace and a label for the leak report PULUMI_DEBUG_PROMISE_LEAKS prints: without
 * that variable, they keep only the SDK's leak tracking (the first one goes through the SDK's own
 * function, which also schedules the leak check at exit), as the SDK itself does it.
 */
export function withoutDebugTraces(): () => void {
  const resource = pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] };
  const stackTrace = resource.stackTrace;
  resource.stackTrace = () => [];
  // The module object itself, which the SDK's runtime reads this function from at each call (an
  // import would give a copy of its bindings).
  const tracked = createRequire(import.meta.url)("@pulumi/pulumi/runtime/debuggable.js") as DebuggableInternals;
  const debuggablePromise = tracked.debuggablePromise;
  if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
    let leakCheckScheduled = false;
    tracked.debuggablePromise = (promise, context) => {
      if (!leakCheckScheduled) {
        leakCheckScheduled = true;
        return debuggablePromise(promise, context);
      }
      const candidates = (state as unknown as StateInternals).getStore().leakCandidates;
      candidates.add(promise);
      return promise
        .then((value) => {
          candidates.delete(promise);
          return value;
        })
        .catch((error) => {
          candidates.delete(promise);
          (error as { promise?: unknown }).promise = promise;
          throw error;
        });
    };
  }
  return () => {
    resource.stackTrace = stackTrace;
    tracked.debuggablePromise = debuggablePromise;
  };
}
