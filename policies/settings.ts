/**
 * Policy settings: the choices some rules encode (where the estate may run, the oldest TLS version
 * accepted, how long logs are kept, how long waivers may run) read from `policies/settings.yaml`
 * instead of being written into the rules. The file has project-wide `settings:`, then overrides
 * per profile (`profiles: { prod: {...} }`) and per stack (`stacks: { "ephemeral-*": {...} }`, name
 * globs, applied in file order); later sections win key by key. Rules read the effective values
 * from `RuleContext.settings`.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { REGION_NAMES } from "../infra/naming/regions.js";
import { PROFILES, SEVERITIES, type Profile, type Rule, type Severity } from "./model.js";
import { globToRegExp, loadWaivers, type Waiver } from "./waivers.js";

/** A settings file is wrong: the message names the file, the section and the field. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

export const TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

export interface PolicySettings {
  /** EST-GEN-003: regions resources may be deployed to. Default: every region the stack config accepts. */
  allowedRegions: string[];
  /** The TLS rules: the oldest TLS version a service may accept. */
  minimumTlsVersion: TlsVersion;
  /** EST-MON-001: the fewest days a Log Analytics workspace keeps logs. */
  logRetentionDays: number;
  /** EST-SQL-006: the fewest days Azure SQL audit records are kept (prod profile). */
  sqlAuditRetentionDays: number;
  waivers: {
    /** The longest a waiver may run, in days from the evaluation date to its `expires`, per severity of the waived rule. */
    maxDays: Record<Severity, number>;
    /** Whether a waiver of a critical rule may name every resource (`resource: "*"`). */
    allowCriticalOnAllResources: boolean;
  };
}

export const DEFAULT_SETTINGS: PolicySettings = {
  allowedRegions: [...REGION_NAMES],
  minimumTlsVersion: "1.2",
  logRetentionDays: 30,
  sqlAuditRetentionDays: 90,
  waivers: { maxDays: { critical: 180, high: 365, medium: 365, low: 365 }, allowCriticalOnAllResources: false },
};

const days = z.number().int().positive("expected a whole number of days, at least 1");

/** One section of the file: every key optional, unknown keys refused. */
const sectionSchema = z
  .object({
    allowedRegions: z
      .array(
        z.string().refine(
          (region) => (REGION_NAMES as readonly string[]).includes(region),
          (region) => ({
            message: `unknown region ${JSON.stringify(region)}; expected one of ${REGION_NAMES.join(", ")}`,
          }),
        ),
      )
      .min(1, "expected at least one region"),
    minimumTlsVersion: z.enum(["1.2", "1.3"], { message: 'expected "1.2" or "1.3" (a quoted string)' }),
    logRetentionDays: z
      .number()
      .int()
      .min(30, "expected at least 30 days (the Log Analytics minimum)")
      .max(730, "expected at most 730 days (the Log Analytics maximum)"),
    // Azure SQL auditing keeps storage records up to 3285 days: https://learn.microsoft.com/azure/azure-sql/database/auditing-setup
    sqlAuditRetentionDays: days.max(3285, "expected at most 3285 days (the Azure SQL auditing maximum)"),
    waivers: z
      .object({
        maxDays: z
          .object(Object.fromEntries(SEVERITIES.map((severity) => [severity, days])) as Record<Severity, typeof days>)
          .partial()
          .strict(),
        allowCriticalOnAllResources: z.boolean(),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

type Section = z.infer<typeof sectionSchema>;

const fileSchema = z
  .object({
    settings: sectionSchema.default({}),
    profiles: z
      .object(
        Object.fromEntries(PROFILES.map((profile) => [profile, sectionSchema])) as Record<
          Profile,
          typeof sectionSchema
        >,
      )
      .partial()
      .strict()
      .default({}),
    /** Stack-name globs (`ephemeral-*`) to overrides, applied in file order. */
    stacks: z.record(z.string().min(1), sectionSchema).default({}),
  })
  .strict();

export interface SettingsFile {
  source: string;
  settings: Section;
  profiles: Partial<Record<Profile, Section>>;
  stacks: Record<string, Section>;
}

/** The effective settings of one stack, and the sections they came from (`policies/settings.yaml#profiles.dev`). */
export interface ResolvedSettings {
  values: PolicySettings;
  from: string[];
}

export const SETTINGS_FILE = path.join("policies", "settings.yaml");

/** Parses a settings file's text; every problem is listed with its place. */
export function parseSettings(text: string, source: string): SettingsFile {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new SettingsError(`${source}: not valid YAML: ${doc.errors[0]!.message}`);
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.length ? issue.path.join(".") : "(file)"}: ${issue.message}`,
    );
    throw new SettingsError(`${source}: ${problems.length} problem(s) in the policy settings:\n${problems.join("\n")}`);
  }
  return { source, ...parsed.data };
}

/** `policies/settings.yaml` of the project; a project without one gets the defaults. */
export function loadSettingsFile(projectDir: string): SettingsFile {
  const full = path.join(projectDir, SETTINGS_FILE);
  if (!existsSync(full)) return { source: SETTINGS_FILE, settings: {}, profiles: {}, stacks: {} };
  return parseSettings(readFileSync(full, "utf8"), SETTINGS_FILE);
}

function apply(base: PolicySettings, section: Section): PolicySettings {
  const { waivers, ...rest } = section;
  return {
    ...base,
    ...rest,
    waivers: { ...base.waivers, ...waivers, maxDays: { ...base.waivers.maxDays, ...waivers?.maxDays } },
  };
}

/** The project-wide settings alone: defaults, then `settings:` (what `estate policy --list` shows without a stack). */
export function projectSettings(file: SettingsFile): ResolvedSettings {
  const used = Object.keys(file.settings).length ? [`${file.source}#settings`] : [];
  return { values: apply(DEFAULT_SETTINGS, file.settings), from: used };
}

/** Defaults, then `settings:`, then the profile's section, then every matching `stacks:` section in file order. */
export function resolveSettings(file: SettingsFile, target: { stack: string; profile: Profile }): ResolvedSettings {
  const sections: Array<[string, Section]> = [["settings", file.settings]];
  const profile = file.profiles[target.profile];
  if (profile) sections.push([`profiles.${target.profile}`, profile]);
  for (const [glob, section] of Object.entries(file.stacks))
    if (globToRegExp(glob).test(target.stack)) sections.push([`stacks.${glob}`, section]);
  const used = sections.filter(([, section]) => Object.keys(section).length);
  return {
    values: used.reduce((settings, [, section]) => apply(settings, section), DEFAULT_SETTINGS),
    from: used.map(([name]) => `${file.source}#${name}`),
  };
}

/** The effective settings of a stack of the project. */
export function loadSettings(projectDir: string, target: { stack: string; profile: Profile }): ResolvedSettings {
  return resolveSettings(loadSettingsFile(projectDir), target);
}

/**
 * What the project says about judging one stack: its effective settings, then the waivers in its
 * scope checked against them. The one loader for `estate plan`, `estate policy`, the gate before
 * `estate up` and the engine's PolicyPack.
 */
export function loadStackPolicy(
  projectDir: string,
  rules: readonly Rule[],
  target: { stack: string; profile: Profile; now?: Date },
): { settings: ResolvedSettings; waivers: Waiver[] } {
  const settings = loadSettings(projectDir, target);
  const waivers = loadWaivers(projectDir, rules, {
    ...target,
    now: target.now ?? new Date(),
    settings: settings.values,
  });
  return { settings, waivers };
}
