import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMAND_MODULES, registrations } from "./index.js";

const names = (registers: Array<(program: Command) => void>) => {
  const program = new Command();
  for (const register of registers) register(program);
  return program.commands.map((command) => command.name());
};

describe("the command table main.ts loads from", () => {
  it("names every top-level command, in the order help lists them, and each entry's module registers its command", async () => {
    const all = names(await registrations(["node", "estate"]));
    expect(all).toEqual(Object.keys(COMMAND_MODULES));
    for (const [name, load] of Object.entries(COMMAND_MODULES)) expect(names([await load()])).toContain(name);
  });

  it("loads one module for a named command, every module otherwise", async () => {
    expect(await registrations(["node", "estate", "cost", "plan.json"])).toHaveLength(1);
    expect(await registrations(["node", "estate", "polcy"])).toHaveLength(
      new Set(await Promise.all(Object.values(COMMAND_MODULES).map((load) => load()))).size,
    );
  });
});
