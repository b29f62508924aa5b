import type { z } from "zod";
import { PROFILES, type Profile } from "./area.js";
import { isRegion } from "../../infra/naming/regions.js";
import { deriveEnvironment, ENVIRONMENT_PATTERN, ENVIRONMENT_RULE, profileDefaults } from "./profiles.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { checkCombinations, estateSchema, stackFileSchema, type EstateConfig } from "./schema.js";
import { suppliedSecretProblems } from "./secrets.js";

export { ConfigError, type ConfigProblem };

export const NAMESPACE = "estate";

export interface LoadOptions {
  stack: string;
  /** Config keys (`estate:x`) whose values are Pulumi secrets: never echoed in messages. */
  secretKeys?: ReadonlySet<string>;
}

/**
 * Turns Pulumi's flat config (`estate:key` -> string, structured values as JSON) into the
 * resolved, validated estate config, or throws a ConfigError naming every mistake.
 */
export function loadConfig(raw: Record<string, string>, options: LoadOptions): EstateConfig {
  const stackFile = `Pulumi.${options.stack}.yaml`;
  const secretKeys = options.secretKeys ?? new Set<string>();
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(raw)) {
    const [namespace, key] = splitKey(fullKey);
    if (namespace === NAMESPACE) values[key] = parseValue(text);
  }

  const problems: ConfigProblem[] = [];
  if (values.profile === undefined) {
    problems.push({ key: formatKey(["profile"]), message: `missing; expected one of ${PROFILES.join(", ")}` });
  }
  // Merge with the profile's defaults (dev's while the profile itself is wrong) so that missing
  // keys are reported in the same pass as the stack file's own mistakes.
  const profile: Profile = PROFILES.includes(values.profile as Profile) ? (values.profile as Profile) : "dev";
  const merged = deepMerge(profileDefaults(profile, options.stack), values);
  if (
    values.environment === undefined &&
    typeof merged.workload === "string" &&
    typeof merged.location === "string" &&
    isRegion(merged.location)
  ) {
    merged.environment = deriveEnvironment(options.stack, { workload: merged.workload, location: merged.location });
  }
  // What a message quotes: the stack file's value, or the default it left in place.
  const given = (path: Array<string | number>) =>
    secretKeys.has(`${NAMESPACE}:${path[0]}`)
      ? "[secret]"
      : JSON.stringify(valueAt(valueAt(values, path) === undefined ? merged : values, path));
  const shallow = stackFileSchema.safeParse(withoutNulls(values));
  if (!shallow.success) problems.push(...shallow.error.issues.flatMap((issue) => explain(issue, values, given)));
  const derivedEnvironment = values.environment === undefined ? merged.environment : undefined;
  if (derivedEnvironment !== undefined && !ENVIRONMENT_PATTERN.test(derivedEnvironment)) {
    problems.push({
      key: formatKey(["environment"]),
      message: `the stack name "${options.stack}" gives the environment segment "${derivedEnvironment}", which is not ${ENVIRONMENT_RULE}; set estate:environment in ${stackFile}`,
    });
  }
  const full = estateSchema.safeParse(merged);
  if (!full.success) {
    const known = new Set(problems.map((p) => p.key));
    problems.push(
      ...full.error.issues.flatMap((issue) => explain(issue, values, given)).filter((p) => !known.has(p.key)),
    );
  } else if (!problems.length) {
    checkCombinations(full.data, (path, message) => problems.push({ key: formatKey(path), message }));
    // Supplied secrets need their values from the stack config itself, as Pulumi secrets.
    problems.push(...suppliedSecretProblems(full.data, raw, secretKeys));
  }
  if (problems.length || !full.success) throw new ConfigError(stackFile, problems);
  return full.data;
}

function explain(
  issue: z.ZodIssue,
  values: Record<string, unknown>,
  given: (path: Array<string | number>) => string,
): ConfigProblem[] {
  const path = issue.path;
  switch (issue.code) {
    case "unrecognized_keys": {
      return issue.keys.map((key) => ({
        key: formatKey([...path, key]),
        message: `unknown key; allowed keys here: ${allowedKeys(path).join(", ") || "(none)"}`,
      }));
    }
    case "invalid_enum_value":
      return [{ key: formatKey(path), message: `got ${given(path)}; expected one of ${issue.options.join(", ")}` }];
    case "invalid_type":
      if (issue.received === "undefined" && valueAt(values, path) === null) {
        return [
          {
            key: formatKey(path),
            message: `cleared with null, but this key is required here; expected ${issue.expected}`,
          },
        ];
      }
      if (issue.received === "undefined")
        return [{ key: formatKey(path), message: `missing; expected ${issue.expected}` }];
      return [{ key: formatKey(path), message: `got ${given(path)} (${issue.received}); expected ${issue.expected}` }];
    default:
      return [{ key: formatKey(path), message: `got ${given(path)}; ${issue.message}` }];
  }
}

/** Keys the schema allows at a path, for "unknown key" messages. */
function allowedKeys(path: Array<string | number>): string[] {
  let schema: z.ZodTypeAny = estateSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (typeof segment === "number" && "element" in schema) schema = (schema as z.ZodArray<z.ZodTypeAny>).element;
    else if ("shape" in schema) schema = (schema as z.AnyZodObject).shape[segment];
    else return [];
    if (!schema) return [];
  }
  schema = unwrap(schema);
  return "shape" in schema ? Object.keys((schema as z.AnyZodObject).shape) : [];
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  while ("unwrap" in current && typeof current.unwrap === "function" && !("element" in current)) {
    current = (current as z.ZodOptional<z.ZodTypeAny>).unwrap();
  }
  if ("innerType" in current._def) return unwrap(current._def.innerType);
  if ("schema" in current._def) return unwrap(current._def.schema);
  return current;
}

function splitKey(fullKey: string): [string, string] {
  const i = fullKey.indexOf(":");
  return i < 0 ? ["", fullKey] : [fullKey.slice(0, i), fullKey.slice(i + 1)];
}

/** Pulumi hands structured config over as JSON text and scalars as plain text. */
function parseValue(text: string): unknown {
  if (/^\s*[[{]/.test(text) || text === "true" || text === "false" || /^-?\d+(\.\d+)?$/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function formatKey(path: Array<string | number>): string {
  const [head, ...rest] = path;
  return `${NAMESPACE}:${String(head ?? "")}${rest.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`;
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as any)[key] : undefined), root);
}

/**
 * Objects merge key by key; arrays and scalars from the stack file replace the default, and
 * `null` clears it (`capacity: null` drops the profile's messaging units).
 */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = deepMerge(out[key], value);
  }
  return out as T;
}

/** The stack file without the keys it clears with `null`: what its own schema checks. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
