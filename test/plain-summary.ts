import type { Reporter, SerializedError, TestModule } from "vitest/node";

/**
 * Ends the run with the plain `N passed, N failed` line CI tools read in any language. A test file
 * that failed outside its tests (a throwing `beforeAll`, an import error) and an unhandled error
 * each count as a failure: a run whose setup failed never reads "0 failed".
 */
export default class PlainSummary implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    const brokenFiles: string[] = [];
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      for (const test of tests) counts[test.result().state] += 1;
      const failedOutsideTests = module.state() === "failed" && !tests.some((test) => test.result().state === "failed");
      if (failedOutsideTests || module.errors().length) brokenFiles.push(module.relativeModuleId);
    }
    const broken = [...new Set(brokenFiles)].map((file) => `setup of ${file}`);
    if (unhandledErrors.length) broken.push(`${unhandledErrors.length} unhandled error(s)`);
    counts.failed += broken.length;
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : "";
    const why = broken.length ? ` (${broken.join(", ")})` : "";
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${skipped}${why}\n`);
  }
}
