import { describe, expect, it } from "vitest";
import { CATALOG } from "../../infra/catalog/index.js";
import { FREE_TYPES } from "./rules.js";

describe("the free list", () => {
  it("names catalog types only: a type nothing declares or judges has no place in it", () => {
    expect(Object.keys(FREE_TYPES).filter((type) => !CATALOG[type])).toEqual([]);
  });
});
