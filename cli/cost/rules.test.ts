import { describe, expect, it } from "vitest";
import { CATALOG } from "../../infra/catalog/index.js";
import { FREE_TYPES, PRICED_TYPES } from "./rules.js";

describe("the cost rules", () => {
  const notInCatalog = (types: Iterable<string>) => [...types].filter((type) => !CATALOG[type]);

  it("the free list names catalog types only: a type nothing declares or judges has no place in it", () => {
    expect(notInCatalog(Object.keys(FREE_TYPES))).toEqual([]);
  });

  it("the price rules price catalog types only: a rule for a type the estate never declares is dead", () => {
    expect(PRICED_TYPES.length).toBeGreaterThan(0);
    expect(notInCatalog(PRICED_TYPES)).toEqual([]);
  });
});
