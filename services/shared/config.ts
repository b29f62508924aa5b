// Start-up validation of a service's environment. Each service declares a zod object whose keys are
// exactly its app settings (the same names its manifest lists and the estate sets).
import { z } from "zod";
import type { Logger } from "./log.js";

export const appEnvironment = z.enum(["development", "production"]);
export type AppEnvironment = z.infer<typeof appEnvironment>;

export interface SettingProblem {
  setting: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: SettingProblem[]) {
    super("invalid configuration:\n" + problems.map((p) => `  - ${p.setting}: ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const toProblems = (error: z.ZodError): SettingProblem[] =>
  error.issues.map((issue) => ({ setting: String(issue.path[0] ?? "(environment)"), message: issue.message }));

/**
 * Parses `env` with `schema`, then runs `crossChecks` (rules spanning several settings). In
 * development every problem is fatal. In production a bad optional setting is logged as a
 * structured warning and replaced by its default (a typo in LOG_LEVEL should not take the site
 * down), while a bad or missing required setting refuses to start.
 */
export function loadConfig<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
  env: Env,
  log: Logger,
  crossChecks: (config: z.infer<z.ZodObject<S>>) => SettingProblem[] = () => [],
): z.infer<z.ZodObject<S>> {
  const appEnv = appEnvironment.catch("production").parse(env.APP_ENV);
  const values: Env = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key]]));
  const first = schema.safeParse(values);
  let config: z.infer<z.ZodObject<S>>;
  if (first.success) {
    config = first.data;
  } else {
    const problems = toProblems(first.error);
    const isOptional = (setting: string) => schema.shape[setting]?.isOptional() ?? false;
    if (appEnv === "development" || problems.some((p) => !isOptional(p.setting))) throw new ConfigError(problems);
    for (const problem of problems) {
      log("warn", "ignoring invalid optional setting; using its default", {
        setting: problem.setting,
        issue: problem.message,
      });
      delete values[problem.setting];
    }
    config = schema.parse(values);
  }
  const crossProblems = crossChecks(config);
  if (crossProblems.length > 0) throw new ConfigError(crossProblems);
  return config;
}

// Building blocks shared by the services' schemas.
export const setting = {
  url: () => z.string({ required_error: "is required" }).url("must be an absolute URL"),
  name: () => z.string({ required_error: "is required" }).min(1, "must not be empty"),
  positiveInt: (fallback: number, max: number) =>
    z.coerce
      .number()
      .int("must be an integer")
      .positive("must be positive")
      .max(max, `must be at most ${max}`)
      .default(fallback),
  appInsights: () =>
    z
      .string()
      .regex(/InstrumentationKey=|IngestionEndpoint=/, "must be an Application Insights connection string")
      .optional(),
};
