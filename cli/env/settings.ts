import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { EstateError } from "../errors.js";
import { parseDuration } from "./names.js";

const duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, "expected a duration such as 8h, 90m or 2d");

/** `estate.config.json` (optional): the guardrails for ephemeral environments. */
export const settingsSchema = z
  .object({
    ephemeral: z
      .object({
        /** Live (unexpired) ephemeral stacks allowed at once. */
        maxLiveStacks: z.number().int().positive().default(5),
        /** Estimated fixed cost per day above which `env up` refuses. */
        maxDailyCost: z.number().positive().default(20),
        defaultTtl: duration.default("8h"),
        /** The longest `--ttl` accepted. */
        maxTtl: duration.default("7d"),
        /** The stack whose config an environment starts from. */
        from: z.string().min(1).default("dev"),
      })
      .strict()
      .default({}),
  })
  .strict();

export type EphemeralSettings = z.output<typeof settingsSchema>["ephemeral"];

export const SETTINGS_FILE = "estate.config.json";

export function loadSettings(projectDir: string): EphemeralSettings {
  const file = path.join(projectDir, SETTINGS_FILE);
  let doc: unknown = {};
  if (existsSync(file)) {
    try {
      doc = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new EstateError(`${SETTINGS_FILE} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = settingsSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new EstateError(
      `${SETTINGS_FILE}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${problems.join("\n")}`,
    );
  }
  return parsed.data.ephemeral;
}
