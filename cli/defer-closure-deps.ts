// Imported first by cli/main.ts, before anything loads the Pulumi SDK. The SDK's index loads
// TypeScript, npm's arborist and normalize-package-data as it starts, for serializing JavaScript
// functions into resources and finding the packages they use. The estate never serializes a
// function, and those three were a quarter of `estate plan`'s time and memory. Each is replaced
// by a stand-in that loads the real module the first time anything reads from it, so code that
// does need them still works, only later. The same goes for the SDK's Automation API, which its
// index loads with its own dependencies (execa, js-yaml, tmp...: 80 module files) and which only
// the cloud commands use.
import { createRequire, Module } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** The modules, as the SDK requires them. */
export const CLOSURE_DEPENDENCIES = ["typescript", "@npmcli/arborist", "normalize-package-data"];
/** The Automation API, as the SDK's index requires it: `estate up`, `preview --cloud` and `destroy` load it. */
export const AUTOMATION_API = "@pulumi/pulumi/automation";

/**
 * Puts a stand-in for `request`, as resolved from `fromDir`, in Node's module cache. It answers
 * `__esModule` itself, so TypeScript's import helpers hand it on without reading its keys; every
 * other read loads the module, and `default` is the module itself when it is CommonJS, as those
 * helpers would make it.
 */
export function deferUntilUsed(request: string, fromDir: string): void {
  let filename: string;
  try {
    filename = require.resolve(request, { paths: [fromDir] });
  } catch {
    return; // not installed: the SDK falls back on its own (TypeScript) or never needs it
  }
  if (require.cache[filename]) return;
  let loaded: Record<PropertyKey, unknown> | undefined;
  const load = () => {
    if (!loaded) {
      delete require.cache[filename];
      loaded = require(filename) as Record<PropertyKey, unknown>;
    }
    return loaded;
  };
  const standIn = new Module(filename);
  standIn.filename = filename;
  standIn.loaded = true;
  standIn.exports = new Proxy(Object.create(null) as object, {
    get: (_, key) => {
      if (key === "__esModule") return true;
      const real = load();
      return key === "default" && !real.__esModule ? real : Reflect.get(real, key);
    },
    has: (_, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      // A proxy may not report a property non-configurable that its own target lacks.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
  require.cache[filename] = standIn;
}

const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
for (const request of [...CLOSURE_DEPENDENCIES, AUTOMATION_API]) deferUntilUsed(request, sdkDir);
