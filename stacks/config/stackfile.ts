import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { checkStackName, StackFileError } from "./stack-name.js";

export interface FlatConfig {
  /** Pulumi's flat config: `namespace:key` -> text (structured values as JSON), as the engine passes it. */
  config: Record<string, string>;
  secretKeys: string[];
}

export interface StackFile extends FlatConfig {
  file: string;
  /** The `config:` section as written: structured values stay structured. */
  section: Record<string, unknown>;
}

/** Value given offline to each `secure:` config value: it cannot be decrypted without the stack's secrets provider. */
export const OFFLINE_SECRET = (key: string) => `offline-secret-for-${key}`;

export const stackFilePath = (projectDir: string, stack: string): string =>
  path.join(projectDir, `Pulumi.${checkStackName(stack)}.yaml`);

export function listStacks(projectDir: string): string[] {
  return readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program. */
export function readStackFile(projectDir: string, stack: string): StackFile {
  const full = stackFilePath(projectDir, stack);
  const file = path.basename(full);
  if (!existsSync(full)) {
    const known = listStacks(projectDir);
    throw new StackFileError(`no stack file ${file} in ${projectDir}; stacks here: ${known.join(", ") || "(none)"}`);
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(full, "utf8")) ?? {};
  } catch (error) {
    throw new StackFileError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const section = (doc as { config?: Record<string, unknown> }).config ?? {};
  return { file, section, ...flattenConfig(section) };
}

/** A `config:` section as Pulumi hands it to a program; `secure:` values get an offline stand-in. */
export function flattenConfig(section: Record<string, unknown>): FlatConfig {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(section)) {
    if (isSecure(value)) {
      config[key] = OFFLINE_SECRET(key);
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value && Object.keys(value).length === 1;
}
