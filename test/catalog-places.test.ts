/**
 * Every resource type of infra/catalog is known to each place a type touches (README, "Adding a
 * component"), or the place says why not; and the lists that name types name only catalog types.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOG, type CatalogEntry } from "../infra/catalog/index.js";
import { NAMED_TYPES, NOT_NAMED_BY_NAMER } from "../infra/naming/rules.js";
import { hasPricing } from "../cli/cost/rules.js";
import { resourceSchema } from "../cli/export/shape.js";
import { CHECKOV, PSRULE } from "../policies/coverage.js";
import { RULES } from "../policies/rules/index.js";
import { PRE_V3_TOKENS, T, TAGGED } from "../policies/types.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const createOnly = JSON.parse(readFileSync(path.join(root, "cli/diff/create-only.json"), "utf8")) as {
  types: Record<string, unknown>;
  noneBeyondId: { types: string[] };
};

const namedTypes = new Set(Object.values(NAMED_TYPES).flat());
const tokens = new Set<string>(Object.values(T));
const keyOf = new Map(Object.entries(T).map(([key, token]) => [token as string, key]));
const judged = new Set(RULES.flatMap((rule) => rule.types));
const tagRule = (id: string) => RULES.find((rule) => rule.id === id)!.types;
const grouped = (catalogue: typeof PSRULE) => new Set(Object.values(catalogue).flatMap((group) => group.types));
const groupedBy = { PSRule: grouped(PSRULE), Checkov: grouped(CHECKOV) };

/** The text of the component and stack tests, where a type's component test names it. */
const componentTests = ["infra", "stacks"]
  .flatMap(function files(dir: string): string[] {
    return readdirSync(path.join(root, dir)).flatMap((name) => {
      const relative = path.join(dir, name);
      if (statSync(path.join(root, relative)).isDirectory()) return files(relative);
      return name.endsWith(".test.ts") ? [relative] : [];
    });
  })
  .map((file) => readFileSync(path.join(root, file), "utf8"))
  .join("\n");
const testNames = (type: string) =>
  componentTests.includes(type) ||
  componentTests.includes(`"${type.split(":").slice(1).join(":")}"`) ||
  (keyOf.has(type) && new RegExp(`\\bT\\.${keyOf.get(type)}\\b`).test(componentTests));

interface Place {
  /** The place, as README's step names it. */
  place: string;
  step: number;
  knows: (type: string, entry: CatalogEntry) => boolean;
}

/** A type that is no ARM resource (Entra ID, Kubernetes, Pulumi-only) has no T name, schema or create-only list. */
const arm = (entry: CatalogEntry) => entry.arm !== "";

const PLACES: Place[] = [
  {
    place: "policies/types.ts (a name in T)",
    step: 5,
    knows: (type, entry) => !arm(entry) || tokens.has(type),
  },
  {
    place: "the tag rules EST-GEN-001/002 (TAGGED, from the catalog's taggable)",
    step: 4,
    knows: (type, entry) =>
      !entry.taggable || (tagRule("EST-GEN-001").includes(type) && tagRule("EST-GEN-002").includes(type)),
  },
  {
    place: "infra/naming/rules.ts (NAMED_TYPES, or NOT_NAMED_BY_NAMER with why)",
    step: 2,
    knows: (type, entry) => namedTypes.has(type) || type in NOT_NAMED_BY_NAMER || Boolean(entry.undeclared),
  },
  {
    place: "cli/cost/rules.ts (a price rule, or a free entry with why)",
    step: 6,
    knows: (type) => hasPricing(type),
  },
  {
    place: "cli/export/arm-schemas (its vendored ARM schema)",
    step: 7,
    knows: (_type, entry) => !arm(entry) || resourceSchema(entry.arm, entry.apiVersion) !== undefined,
  },
  {
    place: "cli/diff/create-only.json (under types, or in noneBeyondId)",
    step: 8,
    knows: (type, entry) => !arm(entry) || type in createOnly.types || createOnly.noneBeyondId.types.includes(type),
  },
  {
    place: "policies/coverage.ts (a PSRule and a Checkov group for a type the pack judges)",
    step: 5,
    knows: (type) => !judged.has(type) || (groupedBy.PSRule.has(type) && groupedBy.Checkov.has(type)),
  },
  {
    place: "a component test naming the type (infra/**/*.test.ts or stacks/**/*.test.ts)",
    step: 11,
    knows: (type, entry) => Boolean(entry.undeclared) || testNames(type),
  },
];

/** What a catalog type is missing, one line per place, each naming README's step. */
export function missingPlaces(type: string, entry: CatalogEntry): string[] {
  return PLACES.filter((place) => !place.knows(type, entry)).map(
    (place) => `${type}: not in ${place.place}; README "Adding a component", step ${place.step}`,
  );
}

describe("every catalog type is known to each place a type touches", () => {
  it("has no catalog type a place misses", () => {
    expect(Object.entries(CATALOG).flatMap(([type, entry]) => missingPlaces(type, entry))).toEqual([]);
  });

  it("names every place a new catalog entry still lacks, with README's step", () => {
    const widget: CatalogEntry = {
      arm: "Microsoft.Example/widgets",
      apiVersion: "2026-01-01",
      names: [],
      taggable: true,
    };
    const missing = missingPlaces("azure-native:example:Widget", widget);
    // Coverage groups are asked of judged types only, and no rule judges the widget yet.
    expect(missing).toHaveLength(PLACES.length - 1);
    expect(missing.some((line) => line.includes("policies/coverage.ts"))).toBe(false);
    expect(missing[0]).toBe(
      'azure-native:example:Widget: not in policies/types.ts (a name in T); README "Adding a component", step 5',
    );
  });
});

describe("the lists that name types name catalog types", () => {
  const unknown = (types: Iterable<string>) => [...types].filter((type) => !CATALOG[type]);

  it("T names catalog types, or pre-v3 tokens of one", () => {
    const preV3 = Object.entries(PRE_V3_TOKENS);
    expect(preV3.filter(([, current]) => !CATALOG[current])).toEqual([]);
    expect(unknown(tokens).filter((token) => !(token in PRE_V3_TOKENS))).toEqual([]);
  });

  it("TAGGED holds only taggable catalog types and their pre-v3 tokens", () => {
    expect(TAGGED.filter((type) => !CATALOG[PRE_V3_TOKENS[type] ?? type]?.taggable)).toEqual([]);
  });

  it("the naming lists name catalog types, each type once, none the catalog calls undeclared", () => {
    const exempt = Object.keys(NOT_NAMED_BY_NAMER);
    expect(unknown([...namedTypes, ...exempt])).toEqual([]);
    expect(exempt.filter((type) => namedTypes.has(type) || CATALOG[type]?.undeclared)).toEqual([]);
  });

  it("the create-only list names catalog ARM types, each in one of its two lists", () => {
    const listed = Object.keys(createOnly.types);
    const none = createOnly.noneBeyondId.types;
    expect(unknown([...listed, ...none])).toEqual([]);
    expect(none.filter((type) => listed.includes(type) || !CATALOG[type]!.arm)).toEqual([]);
  });
});
