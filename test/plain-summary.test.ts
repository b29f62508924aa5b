import type { SerializedError, TestModule } from "vitest/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import PlainSummary from "./plain-summary.js";

type State = "passed" | "failed" | "skipped" | "pending";

/** The parts of a finished test file the reporter reads. */
function testFile(name: string, states: State[], options: { failed?: boolean; errors?: number } = {}): TestModule {
  const tests = states.map((state) => ({ result: () => ({ state }) }));
  return {
    relativeModuleId: name,
    state: () => (options.failed || states.includes("failed") ? "failed" : "passed"),
    errors: () => Array.from({ length: options.errors ?? 0 }, () => ({ message: "boom" })),
    children: { allTests: () => tests[Symbol.iterator]() },
  } as unknown as TestModule;
}

function summary(modules: TestModule[], unhandled: SerializedError[] = []): string {
  const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  new PlainSummary().onTestRunEnd(modules, unhandled);
  const line = String(write.mock.calls.at(-1)?.[0]).trim();
  write.mockRestore();
  return line;
}

afterEach(() => vi.restoreAllMocks());

describe("the plain summary line", () => {
  it("counts tests by outcome", () => {
    expect(summary([testFile("a.test.ts", ["passed", "passed", "failed"]), testFile("b.test.ts", ["skipped"])])).toBe(
      "2 passed, 1 failed, 1 skipped",
    );
  });

  it("counts a file whose setup failed as a failure, though its tests only read skipped", () => {
    expect(summary([testFile("a.test.ts", ["passed"]), testFile("html.test.ts", ["skipped"], { failed: true })])).toBe(
      "1 passed, 1 failed, 1 skipped (setup of html.test.ts)",
    );
  });

  it("counts a file that did not import and unhandled errors", () => {
    expect(
      summary([testFile("broken.test.ts", [], { errors: 1 })], [{ message: "late rejection" } as SerializedError]),
    ).toBe("0 passed, 2 failed (setup of broken.test.ts, 1 unhandled error(s))");
  });
});
