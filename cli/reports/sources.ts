import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** A place in the project's sources, relative to the project folder (forward slashes, lines from 1). */
export interface SourceLocation {
  uri: string;
  line: number;
}

export type SourceLocator = (resource: { urn: string; type: string }) => SourceLocation;

const COMPONENT_DECLARATION = /super\(\s*["'](estate:[A-Za-z0-9]+:[A-Za-z0-9]+)["']/g;

/**
 * `.ts` files under `dir` (relative to the project, forward slashes), tests left out, in a stable
 * order. Walked folder by folder: Node 20's `readdirSync(..., { recursive: true })` took several
 * times as long over infra/ (bench/policy).
 */
function sourceFiles(projectDir: string, dir: string): string[] {
  if (!existsSync(path.join(projectDir, dir))) return [];
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(projectDir, relative), { withFileTypes: true })) {
      const file = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts")) files.push(file);
    }
  };
  walk(dir);
  return files.sort();
}

const lineAt = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** The type's class as code constructs it: `new storage.StorageAccount(` or `new StorageAccount(`. */
const constructorCall = (type: string) => {
  const className = type
    .split(":")
    .pop()!
    .replace(/[^A-Za-z0-9_$]/g, "");
  return new RegExp(`\\bnew\\s+(?:[A-Za-z_$][\\w$]*\\.)?${className}\\s*[(<]`);
};

/**
 * Where a policy finding's resource was declared, for SARIF: the plan.json that holds the resource
 * is generated and gitignored, so code scanning could show nothing there. A resource's URN names
 * its parent's type; for a component (`estate:<area>:<Name>`) that is the infra file whose
 * constructor calls `super("estate:<area>:<Name>", ...)`. The line is an approximation found by
 * searching the sources for the resource type's constructor (`new <module>.<Class>(`): first in
 * the component's file, then in the other infra files (shared helpers such as diagnostic settings
 * and role assignments), else the component's `super(` line. Resources directly under the stack are
 * searched for in stacks/. Findings about the stack itself (its outputs), and resources found
 * nowhere, point at the stack file `Pulumi.<stack>.yaml`, at its `config:` key.
 */
export function sourceLocator(projectDir: string, stack: string): SourceLocator {
  const texts = new Map<string, string>();
  const read = (file: string) => {
    if (!texts.has(file)) texts.set(file, readFileSync(path.join(projectDir, file), "utf8"));
    return texts.get(file)!;
  };
  const infraFiles = sourceFiles(projectDir, "infra");
  const stackFiles = sourceFiles(projectDir, "stacks");
  const components = new Map<string, SourceLocation>();
  for (const file of infraFiles) {
    const text = read(file);
    for (const match of text.matchAll(COMPONENT_DECLARATION))
      if (!components.has(match[1]!)) components.set(match[1]!, { uri: file, line: lineAt(text, match.index) });
  }
  const stackFile = `Pulumi.${stack}.yaml`;
  const stackFileText = existsSync(path.join(projectDir, stackFile)) ? read(stackFile) : "";
  const configKey = stackFileText.search(/^config:/m);
  const stackLocation: SourceLocation = { uri: stackFile, line: configKey >= 0 ? lineAt(stackFileText, configKey) : 1 };

  const search = (files: string[], pattern: RegExp): SourceLocation | undefined => {
    for (const file of files) {
      const text = read(file);
      const match = pattern.exec(text);
      if (match) return { uri: file, line: lineAt(text, match.index) };
    }
    return undefined;
  };
  const cache = new Map<string, SourceLocation>();
  return ({ urn, type }) => {
    // urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>
    const qualifiedType = urn.split("::")[2] ?? "";
    const parentType = qualifiedType.includes("$")
      ? qualifiedType.slice(0, qualifiedType.lastIndexOf("$")).split("$").pop()!
      : undefined;
    const key = `${parentType}\n${type}`;
    if (!cache.has(key)) {
      const component = parentType ? components.get(parentType) : undefined;
      const constructor = constructorCall(type);
      const found = type.startsWith("pulumi:")
        ? undefined
        : component
          ? (search([component.uri], constructor) ?? search(infraFiles, constructor) ?? component)
          : (search(stackFiles, constructor) ?? search(infraFiles, constructor));
      cache.set(key, found ?? stackLocation);
    }
    return cache.get(key)!;
  };
}
