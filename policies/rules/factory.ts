import { TLS_VERSIONS, type TlsVersion } from "../settings.js";
import {
  isNotApplicable,
  notApplicable,
  type Enforcement,
  type Graph,
  type GraphEdit,
  type GraphResource,
  type InputPatch,
  type NotApplicable,
  type Profile,
  type ResourceRule,
  type RuleContext,
  type StackRule,
  type Subject,
} from "../model.js";

/** Reads an input by path: `a.b[0].c`. Missing steps give undefined. */
export function get(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of splitPath(path)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

export function splitPath(path: string): (string | number)[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter(Boolean)
    .map((step) => (/^\d+$/.test(step) ? Number(step) : step));
}

/** How a value is shown in messages: `not set` rather than `undefined`. */
export function show(value: unknown): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}

export interface Expectation {
  test: (value: unknown) => boolean;
  /** Completes "expected …". */
  describe: string;
}

export const is = (expected: unknown): Expectation => ({
  test: (value) => value === expected,
  describe: JSON.stringify(expected),
});

export const oneOf = (...allowed: unknown[]): Expectation => ({
  test: (value) => allowed.includes(value),
  describe: `one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`,
});

/** Case-insensitive string equality: Azure accepts `Disabled` and `disabled` alike. */
export const isText = (expected: string): Expectation => ({
  test: (value) => typeof value === "string" && value.toLowerCase() === expected.toLowerCase(),
  describe: JSON.stringify(expected),
});

export const atLeast = (minimum: number): Expectation => ({
  test: (value) => typeof value === "number" && value >= minimum,
  describe: `a number of at least ${minimum}`,
});

export const present: Expectation = {
  test: (value) =>
    value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0),
  describe: "a value",
};

/** Unset is fine (Azure's default is the safe one); a set value must match. */
export const unsetOr = (inner: Expectation): Expectation => ({
  test: (value) => value === undefined || inner.test(value),
  describe: `${inner.describe}, or unset`,
});

/**
 * TLS versions as one service spells them (`{ "1.2": "TLS1_2" }`), from the provider's enums
 * (node_modules/@pulumi/azure-native/types/enums/<module>, generated from the Azure REST API specs).
 */
export type TlsSpellings = Partial<Record<TlsVersion, string>>;

export const TLS = {
  /** App Service (SupportedTlsVersions), Azure SQL (MinimalTlsVersion), Service Bus (TlsVersion). */
  numeric: { "1.0": "1.0", "1.1": "1.1", "1.2": "1.2", "1.3": "1.3" },
  /** Azure Cache for Redis (redis TlsVersion): nothing newer than 1.2. */
  redis: { "1.0": "1.0", "1.1": "1.1", "1.2": "1.2" },
  /** Storage accounts (MinimumTlsVersion). */
  storage: { "1.0": "TLS1_0", "1.1": "TLS1_1", "1.2": "TLS1_2", "1.3": "TLS1_3" },
  /** Cosmos DB (MinimalTlsVersion): nothing newer than 1.2. */
  cosmos: { "1.0": "Tls", "1.1": "Tls11", "1.2": "Tls12" },
  /** Front Door custom domains (AfdMinimumTlsVersion): no 1.1. */
  frontDoor: { "1.0": "TLS10", "1.2": "TLS12", "1.3": "TLS13" },
  /** PostgreSQL `ssl_min_protocol_version` and MySQL `tls_version` server parameters. */
  flexibleServer: { "1.0": "TLSv1", "1.1": "TLSv1.1", "1.2": "TLSv1.2", "1.3": "TLSv1.3" },
} as const satisfies Record<string, TlsSpellings>;

/**
 * The `minimumTlsVersion` policy setting, in a service's spelling: that version or a newer one the
 * service offers. A service whose newest version is older than the setting is held to its newest
 * (nothing stricter can be configured), and the message says so.
 */
export function tlsAtLeast(spellings: TlsSpellings): (context: RuleContext) => Expectation {
  return (context) => {
    const offered = TLS_VERSIONS.filter((version) => spellings[version] !== undefined);
    const setting = context.settings.minimumTlsVersion;
    const required = offered.includes(setting) ? setting : offered.filter((version) => version <= setting).at(-1)!;
    const allowed = offered.filter((version) => version >= required).map((version) => spellings[version]!);
    const note =
      required === setting
        ? `setting minimumTlsVersion ${setting}`
        : `setting minimumTlsVersion ${setting}; the service offers at most ${required}`;
    // A number (1.2 from YAML or JSON) is the numeric spelling, as Checkov accepts it; case does not matter to Azure.
    const spelled = (value: unknown) => (typeof value === "number" ? value.toFixed(1) : value);
    return {
      test: (value) => {
        const text = spelled(value);
        return typeof text === "string" && allowed.some((spelling) => spelling.toLowerCase() === text.toLowerCase());
      },
      describe: `${allowed.map((v) => JSON.stringify(v)).join(" or ")} (${note})`,
    };
  };
}

type Meta = Omit<ResourceRule, "kind" | "check" | "examples" | "enforcement"> & {
  enforcement: Record<Profile, Enforcement>;
};

/**
 * A rule that one input must meet an expectation (or one built from the rule context, to take a
 * policy setting: `expect: tlsAtLeast(...)`); `bad` is a value that must fail, `fail` further patches
 * that must (the reference rules' edge cases: absent, other spellings, other inputs). `when` is its
 * precondition: where it does not hold the rule is not applicable, and `appliesTo` (e.g.
 * "Premium namespaces") says to what it does apply.
 */
export function inputRule(
  meta: Meta & {
    path: string;
    expect: Expectation | ((context: RuleContext) => Expectation);
    bad: unknown;
    fail?: InputPatch[];
    pass?: InputPatch[];
    when?: (resource: Subject) => boolean;
    appliesTo?: string;
  },
): ResourceRule {
  const { path, expect, bad, fail, pass, when, appliesTo, ...rest } = meta;
  return {
    ...rest,
    kind: "resource",
    check: (resource, context) => {
      if (when && !when(resource))
        return notApplicable(appliesTo ? `applies to ${appliesTo} only` : "the rule's precondition does not hold");
      const value = get(resource.inputs, path);
      const expectation = typeof expect === "function" ? expect(context) : expect;
      return expectation.test(value) ? [] : [`${path} is ${show(value)}; expected ${expectation.describe}`];
    },
    examples: { fail: [{ [path]: bad }, ...(fail ?? [])], pass },
  };
}

/** A rule with its own check over the resource's inputs: problems, none, or `notApplicable(reason)`. */
export function customRule(
  meta: Meta & {
    check: (
      inputs: Record<string, unknown>,
      context: RuleContext,
      resource: Subject,
    ) => string[] | string | undefined | NotApplicable;
    fail: InputPatch[];
    pass?: InputPatch[];
  },
): ResourceRule {
  const { check, fail, pass, ...rest } = meta;
  return {
    ...rest,
    kind: "resource",
    check: (resource, context) => {
      const found = check(resource.inputs, context, resource);
      if (found === undefined) return [];
      return typeof found === "string" ? [found] : found;
    },
    examples: { fail, pass },
  };
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

type StackMeta = Omit<StackRule, "kind" | "check" | "examples">;

type StackCheck =
  | { check: StackRule["check"] }
  /**
   * The common case, one finding at most per resource of `types`: `problemOf` sees the graph once
   * (to gather what every resource is checked against) and returns the check of one resource.
   */
  | {
      problemOf: (
        graph: Graph,
        context: RuleContext,
      ) => (resource: GraphResource) => string | undefined | NotApplicable;
    };

/** A rule over the whole graph; `fail` edits the compliant estate so that the rule must fail. */
export function stackRule(meta: StackMeta & StackCheck & { fail: GraphEdit[]; pass?: GraphEdit[] }): StackRule {
  const { fail, pass, ...rest } = meta;
  const examples = { fail, pass };
  if ("check" in rest) {
    const { check, ...data } = rest;
    return { ...data, kind: "stack", check, examples };
  }
  const { problemOf, ...data } = rest;
  const check: StackRule["check"] = (graph, context) => {
    const problem = problemOf(graph, context);
    return graph.resources.flatMap((resource) => {
      const found = data.types.includes(resource.type) ? problem(resource) : undefined;
      if (isNotApplicable(found))
        return [{ urn: resource.urn, message: found.notApplicable, notApplicable: true as const }];
      return found ? [{ urn: resource.urn, message: found }] : [];
    });
  };
  return { ...data, kind: "stack", check, examples };
}
