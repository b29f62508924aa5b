import { beforeAll, describe, expect, it } from "vitest";
import { catalogEntry, isTaggable } from "../infra/catalog/index.js";
import { REQUIRED_TAG_KEYS } from "../infra/tags/index.js";
import type { Plan } from "../cli/plan/schema.js";
import { EPHEMERAL_EXPIRES as EXPIRES, planEstates } from "../test/estate-plans.js";

let plans: Record<string, Plan>;

beforeAll(async () => {
  plans = await planEstates();
});

describe.each(["dev", "prod", "ephemeral"])("the %s estate", (name) => {
  it("declares only resource types the catalog knows, with complete ARM ids", () => {
    for (const r of plans[name].resources.filter((x) => x.custom)) {
      expect(catalogEntry(r.type), `${r.type} is missing from infra/catalog`).toBeDefined();
      expect(String(r.outputs.id), `${r.urn} has an incomplete id`).not.toMatch(/\/unknown(\/|$)/);
    }
  });

  it("tags every taggable resource with the required tags", () => {
    const taggable = plans[name].resources.filter((r) => r.custom && isTaggable(r.type));
    expect(taggable.length).toBeGreaterThan(0);
    for (const r of taggable) {
      const tags = r.inputs.tags as Record<string, string>;
      for (const key of REQUIRED_TAG_KEYS) expect(tags?.[key], `${r.urn} lacks tag ${key}`).toBeTruthy();
      if (name === "ephemeral") expect(tags["expires-at"]).toBe(EXPIRES);
      else expect(tags["expires-at"]).toBeUndefined();
    }
  });

  it("gives every Azure resource of a type a distinct ARM id", () => {
    const ids = plans[name].resources.filter((r) => r.custom).map((r) => String(r.outputs.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("profiles", () => {
  it("name resources after the environment", () => {
    const group = (p: Plan) => p.resources.find((r) => r.type === "azure-native:resources:ResourceGroup")!.physicalName;
    expect(group(plans.dev)).toBe("rg-estate-dev-weu");
    expect(group(plans.prod)).toBe("rg-estate-prod-weu");
    expect(group(plans.ephemeral)).toBe("rg-estate-pr42-weu");
  });
});
