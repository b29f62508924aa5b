import type { EngineEvent } from "@pulumi/pulumi/automation";

export type CloudOperation = "preview" | "up" | "destroy";

export interface PolicyResult {
  pack: string;
  policy: string;
  level: "mandatory" | "warning";
  message: string;
  resource?: string;
}

/** What a preview, up or destroy did (or would do), from the engine's own events. */
export interface CloudSummary {
  operation: CloudOperation;
  stack: string;
  mode: "cloud";
  changes: { create: number; update: number; replace: number; delete: number; same: number };
  policy: PolicyResult[];
  /** Resources whose operation failed, and error diagnostics. */
  errors: string[];
  durationSeconds?: number;
  /** The engine's summary event arrived: the operation ran to its end. */
  completed: boolean;
}

const COUNTED: Record<string, keyof CloudSummary["changes"] | undefined> = {
  create: "create",
  update: "update",
  replace: "replace",
  "create-replacement": "replace",
  delete: "delete",
  same: "same",
};

const resourceName = (urn: string) => urn.split("::").at(-1) ?? urn;

/**
 * Folds the engine event stream into a summary and one progress line per event. The summary
 * event's counts win when it arrives; until then the per-step counts stand.
 */
export class EventTally {
  readonly summary: CloudSummary;
  private readonly counted = new Set<string>();

  constructor(operation: CloudOperation, stack: string) {
    this.summary = {
      operation,
      stack,
      mode: "cloud",
      changes: { create: 0, update: 0, replace: 0, delete: 0, same: 0 },
      policy: [],
      errors: [],
      completed: false,
    };
  }

  /** Records the event; returns the progress text it warrants, if any. */
  add(event: EngineEvent): string | undefined {
    if (event.resourcePreEvent) {
      const { op, urn, type } = event.resourcePreEvent.metadata;
      if (op === "same" || type === "pulumi:pulumi:Stack") return undefined;
      return `${op} ${resourceName(urn)} (${type})`;
    }
    const step = event.resOutputsEvent?.metadata;
    if (step && step.type !== "pulumi:pulumi:Stack") {
      const bucket = COUNTED[step.op];
      // A replacement comes as create-replacement, replace and delete-replaced steps: count it once.
      if (!bucket || this.counted.has(`${bucket}:${step.urn}`)) return undefined;
      this.counted.add(`${bucket}:${step.urn}`);
      this.summary.changes[bucket] += 1;
      return bucket === "same" ? undefined : `${step.op} ${resourceName(step.urn)} done`;
    }
    if (event.resOpFailedEvent) {
      const { urn, op } = event.resOpFailedEvent.metadata;
      this.summary.errors.push(`${op} of ${resourceName(urn)} failed`);
      return `${op} ${resourceName(urn)} failed`;
    }
    if (event.policyEvent) {
      const p = event.policyEvent;
      this.summary.policy.push({
        pack: p.policyPackName,
        policy: p.policyName,
        level: p.enforcementLevel,
        message: p.message.trim(),
        resource: p.resourceUrn,
      });
      return undefined;
    }
    if (event.diagnosticEvent?.severity === "error") {
      this.summary.errors.push(event.diagnosticEvent.message.trim());
      return undefined;
    }
    if (event.summaryEvent) {
      const changes = event.summaryEvent.resourceChanges ?? {};
      const total = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
      for (const [op, n] of Object.entries(changes)) {
        const bucket = COUNTED[op];
        if (bucket) total[bucket] += n ?? 0;
      }
      // The stack resource itself is in the engine's counts; the plan tools never count it.
      if (total.same > 0 && this.summary.operation !== "destroy") total.same -= 1;
      this.summary.changes = total;
      this.summary.durationSeconds = event.summaryEvent.durationSeconds;
      this.summary.completed = true;
    }
    return undefined;
  }
}

export function renderSummary(summary: CloudSummary): string {
  const { create, update, replace, delete: deleted, same } = summary.changes;
  const tense = summary.operation === "preview" ? "would " : "";
  const lines = [
    `${summary.operation} of ${summary.stack} (cloud, Pulumi engine): ${tense}create ${create}, ${tense}update ${update}, ` +
      `${tense}replace ${replace}, ${tense}delete ${deleted}, unchanged ${same}`,
  ];
  const mandatory = summary.policy.filter((p) => p.level === "mandatory");
  lines.push(
    `policy: ${mandatory.length} mandatory violation${mandatory.length === 1 ? "" : "s"}, ${summary.policy.length - mandatory.length} advisory`,
  );
  for (const p of summary.policy)
    lines.push(`  [${p.level}] ${p.policy}${p.resource ? ` on ${resourceName(p.resource)}` : ""}: ${p.message}`);
  for (const error of summary.errors) lines.push(`  error: ${error}`);
  if (summary.durationSeconds !== undefined) lines.push(`took ${summary.durationSeconds} s`);
  return lines.join("\n");
}
