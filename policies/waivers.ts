import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ENFORCE, type Rule, type RuleMeta } from "./model.js";

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
      .union([z.string(), z.date()])
      .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value))
      .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)), "expected a date YYYY-MM-DD"),
  })
  .strict();

const fileSchema = z.object({ waivers: z.array(waiverSchema).default([]) }).strict();

export interface Waiver extends z.infer<typeof waiverSchema> {
  /** Where it was declared: `policies/waivers.yaml#2`. */
  source: string;
}

/** Parses one waiver file's text; every problem is listed with its place. */
export function parseWaivers(text: string, source: string, knownRules: readonly Rule[]): Waiver[] {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new WaiverError(`${source}: not valid YAML: ${doc.errors[0]!.message}`);
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.length ? issue.path.join(".") : "(file)"}: ${issue.message}`);
    throw new WaiverError(`${source}: ${problems.length} problem(s) in the waiver file:\n${problems.join("\n")}`);
  }
  const ids = new Set(knownRules.map((rule) => rule.id));
  return parsed.data.waivers.map((waiver, index) => {
    if (!ids.has(waiver.rule)) throw new WaiverError(`${source}: waivers.${index}.rule: no rule ${waiver.rule} in the pack (see \`estate policy --list\`)`);
    return { ...waiver, source: `${source}#${index}` };
  });
}

/** `policies/waivers.yaml` for every stack, then `policies/waivers.<stack>.yaml` if present. */
export function loadWaivers(projectDir: string, stack: string, knownRules: readonly Rule[]): Waiver[] {
  return ["waivers.yaml", `waivers.${stack}.yaml`].flatMap((file) => {
    const full = path.join(projectDir, "policies", file);
    return existsSync(full) ? parseWaivers(readFileSync(full, "utf8"), path.join("policies", file), knownRules) : [];
  });
}

/** A glob as waivers and `estate policy --rule` take it: `*` any run, `?` one character, case-insensitive. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** Whether the waiver names this resource: by URN, logical name or Azure name. */
export function waiverMatches(waiver: Waiver, resource: { urn: string; name: string; physicalName?: string }): boolean {
  const pattern = globToRegExp(waiver.resource);
  return [resource.urn, resource.name, resource.physicalName].some((candidate) => candidate !== undefined && pattern.test(candidate));
}

/** A waiver is valid through the end of its expiry day (UTC). */
export function isExpired(waiver: Waiver, now: Date): boolean {
  return Date.parse(`${waiver.expires}T23:59:59.999Z`) < now.getTime();
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
    remediation: "Fix the waived finding and delete the waiver, or extend `expires` with a fresh `reason` in the waiver file.",
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
