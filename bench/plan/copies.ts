/**
 * A throwaway project in which a stack hosts more copies of its own services: the way the benches
 * grow a stack to find what planning costs per resource. Each copy is the service's manifest under
 * another name, its routes moved under a path of their own, its code the original's (linked), so
 * every copy is a service the stack could really host, with the same bindings and the same kind.
 * Static sites are not copied: an estate serves one.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseDocument } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "../..");

interface Manifest {
  name: string;
  kind: string;
  stacks?: string[];
  entry?: string;
  routes?: { path: string }[];
}

const manifestOf = (service: string): Manifest =>
  JSON.parse(readFileSync(path.join(ROOT, "services", service, "manifest.json"), "utf8")) as Manifest;

/** The services a stack hosts, as the estate chooses them: its `estate:services`, or every manifest meant for it. */
export function hostedServices(stack: string): string[] {
  const config = parseDocument(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")).toJS() as {
    config?: Record<string, unknown>;
  };
  const chosen = config.config?.["estate:services"] as string[] | undefined;
  if (chosen) return chosen;
  return readdirSync(path.join(ROOT, "services"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .filter((entry) => {
      try {
        const manifest = manifestOf(entry.name);
        return !manifest.stacks || manifest.stacks.includes(stack);
      } catch {
        return false; // a folder without a manifest (shared code, test helpers)
      }
    })
    .map((entry) => entry.name);
}

/** The services of `stack` that copies are made of: all but its static site. */
export const copiableServices = (stack: string): string[] =>
  hostedServices(stack).filter((service) => manifestOf(service).kind !== "static-site");

/**
 * The n-th copy's name: no longer than the service's where that leaves room for some of it (Azure
 * names built from it must still fit), and different from the start (a Function app's host id is
 * the first 32 characters of its name).
 */
function copyName(service: string, n: number): string {
  const prefix = `c${n}-`;
  const rest = service.slice(prefix.length).replace(/^-+/, "");
  return rest ? prefix + rest : `c${n}`;
}

export interface CopyOptions {
  /** The services copied: the stack's copiable ones by default. */
  services?: string[];
  /**
   * Every copy runs the original's entry file, so one package build serves them all. Otherwise each
   * copy has its code in its own folder (linked), and its own package and build record, as services do.
   */
  sharedCode?: boolean;
}

/**
 * A project where `stack` hosts `copies` more of each of its services, named by copyName. The
 * project and stack files are copied, the policies and every existing service folder linked.
 */
export function projectWithCopies(stack: string, copies: number, options: CopyOptions = {}): string {
  const { services = copiableServices(stack), sharedCode = false } = options;
  const dir = mkdtempSync(path.join(os.tmpdir(), `estate-copies-${stack}-${copies}-`));
  writeFileSync(path.join(dir, "Pulumi.yaml"), readFileSync(path.join(ROOT, "Pulumi.yaml")));
  symlinkSync(path.join(ROOT, "policies"), path.join(dir, "policies"), "dir");
  mkdirSync(path.join(dir, "services"));
  // Real folders of linked files: the estate reads the services folder's subfolders, not links to them.
  const linkInto = (folder: string, from: string, except?: string) => {
    mkdirSync(folder);
    for (const entry of readdirSync(from))
      if (entry !== except) symlinkSync(path.join(from, entry), path.join(folder, entry));
  };
  for (const entry of readdirSync(path.join(ROOT, "services"), { withFileTypes: true }))
    if (entry.isDirectory()) linkInto(path.join(dir, "services", entry.name), path.join(ROOT, "services", entry.name));
  const stackFile = parseDocument(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  const gateway = stackFile.getIn(["config", "estate:gateway", "sku"]) !== "none";
  const added: string[] = [];
  for (const service of services) {
    const manifest = manifestOf(service);
    for (let n = 1; n <= copies; n++) {
      const name = copyName(service, n);
      const folder = path.join(dir, "services", name);
      linkInto(folder, path.join(ROOT, "services", service), "manifest.json");
      const code = sharedCode && manifest.entry ? { entry: `../${service}/${manifest.entry}` } : {};
      // Without a gateway, Front Door routes the API to one app: copies there serve no routes.
      const routes = manifest.routes?.flatMap((route) =>
        gateway ? [{ ...route, path: route.path.replace("/api/v1", `/api/v1/${name}`) }] : [],
      );
      writeFileSync(
        path.join(folder, "manifest.json"),
        JSON.stringify({ ...manifest, name, ...code, ...(routes && { routes }) }),
      );
      added.push(name);
    }
  }
  if (stackFile.getIn(["config", "estate:services"]))
    stackFile.setIn(["config", "estate:services"], [...hostedServices(stack), ...added]);
  writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stackFile.toString());
  return dir;
}

/** One `estate plan` of `stack` in a project folder: its wall time, the resources planned and the plan's own time. */
export function planIn(stack: string, dir: string): { seconds: number; resources: number; planMs: number } {
  const started = performance.now();
  execFileSync(process.execPath, [path.join(ROOT, "bin/estate.js"), "plan", stack, "--out", path.join(dir, "out")], {
    cwd: dir,
    env: { ...process.env, CI: "true" },
    stdio: "pipe",
  });
  const seconds = (performance.now() - started) / 1000;
  const plan = JSON.parse(readFileSync(path.join(dir, "out/plan.json"), "utf8")) as {
    resources: unknown[];
    durationMs: number;
  };
  return { seconds, resources: plan.resources.length, planMs: plan.durationMs };
}
