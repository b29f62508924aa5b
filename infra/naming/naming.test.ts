import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NAME_RULES, Namer, NamingError, REGION_NAMES, type NameKind } from "./index.js";

const KINDS = Object.keys(NAME_RULES) as NameKind[];
const context = fc.record({
  workload: fc.stringMatching(/^[a-z][a-z0-9]{1,9}$/),
  environment: fc.stringMatching(/^[a-z][a-z0-9]{1,7}$/),
  location: fc.constantFrom(...REGION_NAMES),
});
// Qualifiers come from code and config (subnet roles, queue names): any printable text.
const qualifier = fc.option(fc.string({ maxLength: 24 }), { nil: undefined });

describe("naming", () => {
  it("follows CAF: abbreviation, workload, environment, region", () => {
    const namer = new Namer({ workload: "estate", environment: "dev", location: "westeurope" });
    expect(namer.name("resourceGroup")).toBe("rg-estate-dev-weu");
    expect(namer.name("subnet", "privateEndpoints")).toBe("snet-estate-dev-weu-privateendpoints");
    expect(namer.name("storageAccount")).toMatch(/^stestatedevweu[a-z0-9]{6}$/);
    expect(namer.name("keyVault")).toMatch(/^kvestatedevweu[a-z0-9]{6}$/);
  });

  it("is deterministic", () => {
    const a = new Namer({ workload: "estate", environment: "prod", location: "westeurope" });
    const b = new Namer({ workload: "estate", environment: "prod", location: "westeurope" });
    for (const kind of KINDS) expect(a.name(kind, "x")).toBe(b.name(kind, "x"));
  });

  it("produces only names Azure accepts, or a NamingError (property, every kind)", () => {
    fc.assert(
      fc.property(context, fc.constantFrom(...KINDS), qualifier, (ctx, kind, q) => {
        let name: string;
        try {
          name = new Namer(ctx).name(kind, q);
        } catch (error) {
          expect(error).toBeInstanceOf(NamingError);
          expect((error as Error).message).toContain(kind);
          return;
        }
        const rule = NAME_RULES[kind];
        expect(name.length).toBeGreaterThanOrEqual(rule.min);
        expect(name.length).toBeLessThanOrEqual(rule.max);
        expect(name).toMatch(rule.pattern);
        expect(name.startsWith(rule.abbr)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("never gives two different inputs the same globally unique name (property)", () => {
    const unique = KINDS.filter((k) => NAME_RULES[k].globallyUnique);
    fc.assert(
      fc.property(
        fc.constantFrom(...unique),
        fc.uniqueArray(fc.tuple(context, qualifier), {
          minLength: 2,
          maxLength: 40,
          selector: (x) => JSON.stringify(x),
        }),
        (kind, inputs) => {
          const names = new Map<string, string>();
          for (const [ctx, q] of inputs) {
            let name: string;
            try {
              name = new Namer(ctx).name(kind, q);
            } catch {
              continue;
            }
            const key = JSON.stringify([ctx, q ?? ""]);
            const previous = names.get(name);
            if (previous !== undefined) expect(previous).toBe(key);
            names.set(name, key);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps inputs that clean up alike apart through the suffix", () => {
    const namer = new Namer({ workload: "estate", environment: "dev", location: "westeurope" });
    expect(namer.name("storageAccount", "Docs")).not.toBe(namer.name("storageAccount", "docs"));
  });

  it("refuses a name that is too long instead of truncating it", () => {
    const namer = new Namer({ workload: "estatelong", environment: "pr123456", location: "germanywestcentral" });
    expect(() => namer.name("storageAccount")).toThrow(NamingError);
    expect(() => namer.name("storageAccount")).toThrow(
      /storageAccount name "stestatelongpr123456gwc[a-z0-9]{6}" is 29 characters; Azure allows 3-24/,
    );
  });
});
