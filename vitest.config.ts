import { defineConfig } from "vitest/config";
import PlainSummary from "./test/plain-summary.js";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".estate/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Pulumi's runtime state is per process: each test file gets its own worker process.
    pool: "forks",
    reporters: ["default", new PlainSummary()],
  },
});
