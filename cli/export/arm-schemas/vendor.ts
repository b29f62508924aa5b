/**
 * Copies out of Azure's published ARM template schemas (github.com/Azure/azure-resource-manager-schemas,
 * MIT) the resource definitions of every (ARM type, API version) in infra/catalog, with only the
 * definitions they reach, into this folder, and writes index.json (type@apiVersion -> file and
 * definition). Run it again when the catalog changes:
 *   npx tsx cli/export/arm-schemas/vendor.ts <path of a clone of azure-resource-manager-schemas>
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CATALOG } from "../../../infra/catalog/index.js";

const SCHEMA_HOST = "https://schema.management.azure.com/schemas/";
const SECTIONS = ["resourceDefinitions", "subscription_resourceDefinitions", "extension_resourceDefinitions", "tenant_resourceDefinitions", "managementGroup_resourceDefinitions", "unknown_resourceDefinitions"];
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = process.argv[2];
if (!repo) throw new Error("usage: vendor.ts <path of a clone of Azure/azure-resource-manager-schemas>");

const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
const commit = git("rev-parse", "HEAD").trim();
const versions = git("ls-tree", "--name-only", "HEAD", "schemas/").split("\n").filter((p) => /\d{4}-\d{2}-\d{2}/.test(p)).map((p) => p.slice("schemas/".length));
const cache = new Map<string, any>();
const load = (file: string) => {
  if (!cache.has(file)) cache.set(file, JSON.parse(git("show", `HEAD:schemas/${file}`)));
  return cache.get(file);
};
const filesOf = (version: string) => git("ls-tree", "--name-only", "HEAD", `schemas/${version}/`).split("\n").filter(Boolean).map((p) => p.slice("schemas/".length));

/** The file and definition that declare `type` at `version`: definitions whose `type` enum holds the full type. */
function find(type: string, version: string): { file: string; section: string; definition: string } | undefined {
  const namespace = type.split("/")[0].toLowerCase();
  for (const file of filesOf(version).filter((f) => path.basename(f).toLowerCase().startsWith(`${namespace}.`))) {
    const schema = load(file);
    for (const section of SECTIONS) {
      for (const [definition, body] of Object.entries<any>(schema[section] ?? {})) {
        if (body?.properties?.type?.enum?.some((t: string) => t.toLowerCase() === type.toLowerCase())) return { file, section, definition };
      }
    }
  }
  return undefined;
}

interface IndexEntry {
  file: string;
  section: string;
  definition: string;
  /** Set when the published schemas lack this API version: the nearest earlier one that has the type. */
  schemaApiVersion?: string;
}

const index: Record<string, IndexEntry> = {};
const missing: string[] = [];
for (const entry of Object.values(CATALOG)) {
  if (!entry.arm) continue;
  const key = `${entry.arm}@${entry.apiVersion}`;
  if (index[key]) continue;
  const exact = find(entry.arm, entry.apiVersion);
  if (exact) {
    index[key] = exact;
    continue;
  }
  const earlier = versions.filter((v) => v < entry.apiVersion).sort().reverse();
  const fallback = earlier.map((v) => [v, find(entry.arm, v)] as const).find(([, f]) => f);
  if (!fallback) throw new Error(`${key}: in no published schema`);
  index[key] = { ...fallback[1]!, schemaApiVersion: fallback[0] };
  missing.push(`${key} (nearest published: ${fallback[0]})`);
}

/** Everything each kept definition reaches through $ref, file by file. */
const keep = new Map<string, Map<string, Set<string>>>(); // file -> section -> names
const mark = (file: string, section: string, name: string) => {
  const sections = keep.get(file) ?? keep.set(file, new Map()).get(file)!;
  const names = sections.get(section) ?? sections.set(section, new Set()).get(section)!;
  if (names.has(name)) return;
  names.add(name);
  walk(file, load(file)[section][name]);
};
function walk(file: string, node: unknown): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(file, n));
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") {
      const [target, pointer] = value.split("#");
      const targetFile = target ? target.slice(SCHEMA_HOST.length) : file;
      const [, section, name] = pointer.split("/");
      mark(targetFile, section, name);
    } else walk(file, value);
  }
}
for (const { file, section, definition } of Object.values(index)) {
  // Child resources listed under `resources` pull in every other type of the namespace: not needed.
  const body = structuredClone(load(file)[section][definition]);
  delete body.properties.resources;
  load(file)[section][definition] = body;
  mark(file, section, definition);
}

for (const [file, sections] of keep) {
  const source = load(file);
  const out: Record<string, unknown> = { id: source.id, $schema: source.$schema, title: source.title };
  for (const [section, names] of sections) out[section] = Object.fromEntries([...names].sort().map((n) => [n, source[section][n]]));
  fs.mkdirSync(path.join(here, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(here, file), JSON.stringify(out, null, 1) + "\n");
}
const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b)));
fs.writeFileSync(path.join(here, "index.json"), JSON.stringify({ source: "https://github.com/Azure/azure-resource-manager-schemas", commit, missing, types: sorted }, null, 1) + "\n");
console.log(`${Object.keys(index).length} types from ${keep.size} files at ${commit}; missing: ${missing.join(", ") || "none"}`);
