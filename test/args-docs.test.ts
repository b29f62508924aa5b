import { describe, expect, it } from "vitest";
import { infraArgsProperties } from "./args-docs.js";

describe("the components' arguments", () => {
  it("every property of every exported *Args interface in infra/ has a doc comment (what it is, its default, its unit)", () => {
    const properties = infraArgsProperties();
    // Not vacuous: the components' interfaces are found.
    expect(properties.length).toBeGreaterThan(200);
    expect(properties.filter((p) => !p.documented).map((p) => `${p.file}: ${p.name}`)).toEqual([]);
  });
});
