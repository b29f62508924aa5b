import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ENFORCE, PROFILES, type Profile, type Rule, type RuleMeta } from "./model.js";
import type { PolicySettings } from "./settings.js";

/** A waiver file is wrong: the message names the file, the entry and the field. */
export class WaiverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WaiverError";
  }
}

const waiverSchema = z
  .object({
    rule: z.string().regex(/^EST-[A-Z]+-\d{3}$/, "expected a rule id such as EST-WAF-002"),
    resource: z.string().min(1, "expected a URN or a name glob such as waf*"),
    reason: z.string().min(10, "expected a reason of at least 10 characters"),
    owner: z.string().email("expected the owner's email address"),
    expires: z
      // A missing date would otherwise read "Invalid input", as neither member of the union matched.
      .union([z.string(), z.date()], {
        errorMap: (issue, context) => ({
          message: context.data === undefined ? "required: the date the waiver ends, YYYY-MM-DD" : context.defaultError,
        }),
      })
      .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value))
      .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value), "expected a date YYYY-MM-DD")
      // Date.parse takes 2026-11-31 as 1 December: only a date that survives the round trip exists.
      .refine(
        (value) => !/^\d{4}-\d{2}-\d{2}$/.test(value) || isCalendarDate(value),
        (value) => ({ message: `${value} is not a calendar date` }),
      ),
    /** Stack-name globs the waiver applies to (`ephemeral-*`); absent: every stack. */
    stacks: z
      .array(z.string().min(1))
      .min(1, "expected at least one stack name or glob, or no `stacks` at all")
      .optional(),
    /** Profiles the waiver applies to; absent: every profile. */
    profiles: z.array(z.enum(PROFILES)).min(1, "expected at least one profile, or no `profiles` at all").optional(),
  })
  .strict();

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const fileSchema = z.object({ waivers: z.array(waiverSchema).default([]) }).strict();

export interface Waiver extends z.infer<typeof waiverSchema> {
  /** Where it was declared: `policies/waivers.yaml#2`. */
  source: string;
}

/** The stack being judged, for the waivers' scope and limits. */
export interface WaiverTarget {
  stack: string;
  profile: Profile;
  /** The evaluation date: a waiver's duration runs from it to `expires`. */
  now: Date;
  settings: PolicySettings;
}

const DAY_MS = 86_400_000;

/** Whether a waiver's `stacks` and `profiles` include the target (absent: all). */
export function inScope(
  waiver: Pick<Waiver, "stacks" | "profiles">,
  target: Pick<WaiverTarget, "stack" | "profile">,
): boolean {
  return (
    (!waiver.stacks || waiver.stacks.some((glob) => globToRegExp(glob).test(target.stack))) &&
    (!waiver.profiles || waiver.profiles.includes(target.profile))
  );
}

/**
 * What the settings refuse in a waiver that applies to the target: running longer than
 * `waivers.maxDays.<severity>` from the evaluation date, or a critical rule waived on every
 * resource without `waivers.allowCriticalOnAllResources`.
 */
function limitProblems(waiver: Waiver, rule: Rule, target: WaiverTarget): string[] {
  const problems: string[] = [];
  const { maxDays, allowCriticalOnAllResources } = target.settings.waivers;
  const today = Date.UTC(target.now.getUTCFullYear(), target.now.getUTCMonth(), target.now.getUTCDate());
  const runs = Math.round((Date.parse(`${waiver.expires}T00:00:00Z`) - today) / DAY_MS);
  const limit = maxDays[rule.severity];
  if (runs > limit) {
    problems.push(
      `expires: ${waiver.expires} is ${runs} days after ${new Date(today).toISOString().slice(0, 10)}; a waiver of a ${rule.severity} rule may run at most ${limit} days (setting waivers.maxDays.${rule.severity})`,
    );
  }
  if (rule.severity === "critical" && /^\*+$/.test(waiver.resource) && !allowCriticalOnAllResources) {
    problems.push(
      `resource: "${waiver.resource}" waives the critical rule ${rule.id} on every resource; name the resources, or set waivers.allowCriticalOnAllResources`,
    );
  }
  return problems;
}

/**
 * Parses one waiver file's text; every problem is listed with its place. With a target, returns
 * only the waivers in its scope, after checking them against the target's settings.
 */
export function parseWaivers(
  text: string,
  source: string,
  knownRules: readonly Rule[],
  target?: WaiverTarget,
): Waiver[] {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new WaiverError(`${source}: not valid YAML: ${doc.errors[0]!.message}`);
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.length ? issue.path.join(".") : "(file)"}: ${issue.message}`,
    );
    throw new WaiverError(`${source}: ${problems.length} problem(s) in the waiver file:\n${problems.join("\n")}`);
  }
  const rules = new Map(knownRules.map((rule) => [rule.id, rule]));
  const waivers: Waiver[] = [];
  const problems: string[] = [];
  parsed.data.waivers.forEach((entry, index) => {
    const rule = rules.get(entry.rule);
    if (!rule)
      return void problems.push(
        `  - waivers.${index}.rule: no rule ${entry.rule} in the pack (see \`estate policy --list\`)`,
      );
    const waiver: Waiver = { ...entry, source: `${source}#${index}` };
    if (target && !inScope(waiver, target)) return;
    if (target)
      problems.push(...limitProblems(waiver, rule, target).map((problem) => `  - waivers.${index}.${problem}`));
    waivers.push(waiver);
  });
  if (problems.length)
    throw new WaiverError(`${source}: ${problems.length} problem(s) in the waiver file:\n${problems.join("\n")}`);
  return waivers;
}

/**
 * The waivers that apply to a stack: `policies/waivers.yaml`, then `policies/waivers.<stack>.yaml`
 * if present, each entry kept when its `stacks` globs and `profiles` include the stack.
 */
export function loadWaivers(projectDir: string, knownRules: readonly Rule[], target: WaiverTarget): Waiver[] {
  return ["waivers.yaml", `waivers.${target.stack}.yaml`].flatMap((file) => {
    const full = path.join(projectDir, "policies", file);
    return existsSync(full)
      ? parseWaivers(readFileSync(full, "utf8"), path.join("policies", file), knownRules, target)
      : [];
  });
}

/** A glob as waivers and `estate policy --rule` take it: `*` any run, `?` one character, case-insensitive. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** Whether the waiver names this resource: by URN, logical name or Azure name. */
export function waiverMatches(waiver: Waiver, resource: { urn: string; name: string; physicalName?: string }): boolean {
  const pattern = globToRegExp(waiver.resource);
  return [resource.urn, resource.name, resource.physicalName].some(
    (candidate) => candidate !== undefined && pattern.test(candidate),
  );
}

/** A waiver is valid through the end of its expiry day (UTC). */
export function isExpired(waiver: Waiver, now: Date): boolean {
  return Date.parse(`${waiver.expires}T23:59:59.999Z`) < now.getTime();
}

/** What EST-WVR-001 / EST-WVR-002 say about a waiver, after "waiver" (offline) or "waiver <source>" (the engine, which has no waiver resource to point at). */
export function waiverProblem(waiver: Waiver, status: "expired" | "unmatched"): string {
  const subject = `for ${waiver.rule} on ${JSON.stringify(waiver.resource)}`;
  return status === "expired"
    ? `${subject} (owner ${waiver.owner}) expired on ${waiver.expires}`
    : `${subject} matches no resource the rule judged`;
}

/** Rules about the waivers themselves: reported like any other finding. */
export const WAIVER_RULES: Record<"expired" | "unmatched", RuleMeta> = {
  expired: {
    id: "EST-WVR-001",
    title: "Waivers are not expired",
    description: "An expired waiver no longer applies: renew it with a new reason and date, or fix the finding.",
    severity: "high",
    types: ["estate:policy:Waiver"],
    controls: { mcsb: ["GS-1"], waf: "Security" },
    mappings: {},
    remediation:
      "Fix the waived finding and delete the waiver, or extend `expires` with a fresh `reason` in the waiver file.",
    enforcement: ENFORCE.always,
  },
  unmatched: {
    id: "EST-WVR-002",
    title: "Waivers match a resource",
    description: "A waiver that matches nothing is stale or mistyped.",
    severity: "low",
    types: ["estate:policy:Waiver"],
    controls: { mcsb: ["GS-1"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Correct the waiver's `resource` glob (URN, logical or Azure name) or delete the waiver.",
    enforcement: ENFORCE.advisory,
  },
};
