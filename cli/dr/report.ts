import path from "node:path";
import chalk from "chalk";
import { writeJson } from "../output/files.js";
import { renderTable, terminalWidth, wrapLine } from "../output/table.js";
import { idName, OFFLINE_LABEL, type Plan, type PlanResource } from "../plan/schema.js";
import type { RunProvenance } from "../provenance.js";
import { T } from "../../policies/types.js";
import { DR_FACTS, FRONT_DOOR_PROBES, type DrFact } from "./facts.js";

export const DR_SCHEMA_VERSION = 1;

export type Verdict = "met" | "not met" | "no target" | "excluded";

/** One objective of one resource: what Azure documents for the declared configuration, judged against the target. */
export interface Judged extends DrFact {
  verdict: Verdict;
  reason: string;
}

export interface DrEntry {
  /** Azure's name (or the logical name). */
  name: string;
  type: string;
  service: string;
  /** Where the data lives: the primary first. */
  regions: string[];
  /** The declared protection, in words. */
  protection: string;
  rpo: Judged;
  rto: Judged;
  notes: string[];
}

/** `.estate/<stack>/dr.json`. */
export interface DrReport {
  schemaVersion: typeof DR_SCHEMA_VERSION;
  stack: string;
  profile: string;
  mode: "offline";
  /** estate:dr as declared; absent targets: DR is off, nothing is judged. */
  dr: {
    enabled: boolean;
    primary?: string;
    secondary?: string;
    pair?: string;
    rpoMinutes?: number;
    rtoMinutes?: number;
  };
  resources: DrEntry[];
  counts: Record<Verdict, number>;
  /** True when DR is on and every judged objective is met. */
  targetsMet: boolean;
  /** The run that wrote it, when written with the plan (cli/pipeline.ts). */
  provenance?: RunProvenance;
}

/** The stack output the estate writes when DR is on (stacks/estate.ts). */
interface DeclaredDr {
  primary: string;
  secondary: string;
  /** Azure's pair of the primary, where Azure's own geo copies go. */
  pair: string;
  rpoMinutes: number;
  rtoMinutes: number;
}

const minutesText = (m: number) => (m < 1 ? `${Math.round(m * 60)} s` : `${Math.round(m * 10) / 10} min`);

function judge(fact: DrFact, target: number | undefined, what: "RPO" | "RTO"): Judged {
  if (target === undefined)
    return { ...fact, verdict: "no target", reason: "estate:dr is off: no target to judge against" };
  if (fact.minutes === null)
    return {
      ...fact,
      verdict: "not met",
      reason: `Azure documents no ${what} bound here (${fact.statement}); a target of ${minutesText(target)} cannot be claimed`,
    };
  if (fact.minutes <= target)
    return {
      ...fact,
      verdict: "met",
      reason: `documented ${minutesText(fact.minutes)} is within the ${minutesText(target)} target`,
    };
  return {
    ...fact,
    verdict: "not met",
    reason: `documented ${minutesText(fact.minutes)} is above the ${minutesText(target)} target`,
  };
}

const excluded = (fact: DrFact, why: string): Judged => ({ ...fact, verdict: "excluded", reason: why });

/**
 * The recovery each stateful resource of a plan gets from what it declares (regions, failover
 * policy, replication settings), with Azure's documented figures (cli/dr/facts.ts) judged against
 * the stack's targets. Reads the plan only: no Pulumi SDK.
 */
export function buildDrReport(plan: Plan): DrReport {
  const declared = plan.outputs.dr as DeclaredDr | undefined;
  const rpoTarget = declared?.rpoMinutes;
  const rtoTarget = declared?.rtoMinutes;
  const all = (type: string) => plan.resources.filter((r) => r.type === type);
  const nameOf = (r: PlanResource) => r.physicalName ?? r.name;
  const regionOf = (r: PlanResource) =>
    String(
      r.inputs.location ??
        plan.resources.find((g) => g.type === "azure-native:resources:ResourceGroup")?.inputs.location ??
        "unknown",
    );
  const entry = (
    r: PlanResource | { name: string; type: string },
    service: string,
    regions: string[],
    protection: string,
    rpo: Judged,
    rto: Judged,
    notes: string[] = [],
  ): DrEntry => ({
    name: "urn" in r ? nameOf(r) : r.name,
    type: r.type,
    service,
    regions,
    protection,
    rpo,
    rto,
    notes,
  });
  const both = (facts: { rpo: DrFact; rto: DrFact }) =>
    [judge(facts.rpo, rpoTarget, "RPO"), judge(facts.rto, rtoTarget, "RTO")] as const;
  // Azure's own geo copies (storage GRS, backups, Key Vault) go to the pair, whatever estate:dr says.
  const pairNote = (what: string) =>
    declared && declared.pair !== declared.secondary
      ? [
          `${what} goes to Azure's pair of ${declared.primary}, ${declared.pair}, not to the DR secondary ${declared.secondary}`,
        ]
      : [];
  const entries: DrEntry[] = [];

  for (const r of all(T.cosmosAccount)) {
    const locations = ((r.inputs.locations ?? []) as Array<{ locationName: string; failoverPriority: number }>).sort(
      (a, b) => a.failoverPriority - b.failoverPriority,
    );
    const regions = locations.map((l) => l.locationName);
    if (regions.length < 2) {
      entries.push(entry(r, "Cosmos DB", regions, "one region", ...both(DR_FACTS.cosmos.singleRegion)));
      continue;
    }
    const policy = (r.inputs.consistencyPolicy ?? {}) as {
      defaultConsistencyLevel?: keyof typeof DR_FACTS.cosmos.rpo;
      maxIntervalInSeconds?: number;
    };
    const level = policy.defaultConsistencyLevel ?? "Session";
    const base = DR_FACTS.cosmos.rpo[level];
    const rpoFact: DrFact =
      level === "BoundedStaleness" && policy.maxIntervalInSeconds
        ? {
            ...base,
            minutes: policy.maxIntervalInSeconds / 60,
            statement: `${base.statement}; this account's T is ${policy.maxIntervalInSeconds} s`,
          }
        : base;
    const automatic = r.inputs.enableAutomaticFailover === true;
    const rtoFact = automatic ? DR_FACTS.cosmos.rto.serviceManaged : DR_FACTS.cosmos.rto.customerManaged;
    entries.push(
      entry(
        r,
        "Cosmos DB",
        regions,
        `${regions.length} regions, ${level}, ${automatic ? "service-managed" : "customer-managed"} failover`,
        judge(rpoFact, rpoTarget, "RPO"),
        judge(rtoFact, rtoTarget, "RTO"),
      ),
    );
  }

  const groups = all(T.sqlFailoverGroup);
  const partnerNames = new Set(
    groups.flatMap((g) => ((g.inputs.partnerServers ?? []) as Array<{ id: string }>).map((p) => idName(p.id))),
  );
  for (const r of all(T.sqlServer).filter((s) => !partnerNames.has(nameOf(s)))) {
    const group = groups.find((g) => g.inputs.serverName === nameOf(r));
    if (!group) {
      entries.push(
        entry(
          r,
          "Azure SQL",
          [regionOf(r)],
          "geo-replicated backups only (geo-restore)",
          ...both(DR_FACTS.sql.geoRestore),
          pairNote("the geo-replicated backup"),
        ),
      );
      continue;
    }
    const partner = plan.resources.find(
      (s) =>
        s.type === T.sqlServer && nameOf(s) === idName((group.inputs.partnerServers as Array<{ id: string }>)[0]?.id),
    );
    const endpoint = (group.inputs.readWriteEndpoint ?? {}) as {
      failoverPolicy?: string;
      failoverWithDataLossGracePeriodMinutes?: number;
    };
    const automatic = endpoint.failoverPolicy === "Automatic";
    const grace = endpoint.failoverWithDataLossGracePeriodMinutes ?? 60;
    const rtoFact: DrFact = automatic
      ? {
          ...DR_FACTS.sql.failoverGroup.rtoAutomatic,
          statement: `${DR_FACTS.sql.failoverGroup.rtoAutomatic.statement}; this group's grace period is ${grace} minutes`,
        }
      : DR_FACTS.sql.failoverGroup.rtoManual;
    const notes = [
      `apps connect to the listener ${nameOf(group)}.database.windows.net`,
      ...(automatic ? [] : ["the RTO counts from the moment an operator starts the failover (docs/dr.md runbook)"]),
    ];
    entries.push(
      entry(
        r,
        "Azure SQL",
        [regionOf(r), ...(partner ? [regionOf(partner)] : [])],
        `failover group ${nameOf(group)}, ${automatic ? `Microsoft-managed after ${grace} min` : "customer-managed"} failover`,
        judge(DR_FACTS.sql.failoverGroup.rpo, rpoTarget, "RPO"),
        judge(rtoFact, rtoTarget, "RTO"),
        notes,
      ),
    );
  }

  for (const r of all(T.storageAccount)) {
    const sku = String((r.inputs.sku as { name?: string } | undefined)?.name ?? "");
    const geo = /GRS|GZRS/.test(sku);
    entries.push(
      entry(
        r,
        "Storage",
        [regionOf(r)],
        sku,
        ...both(geo ? DR_FACTS.storage.geo : DR_FACTS.storage.local),
        geo ? pairNote("the geo copy") : [],
      ),
    );
  }

  for (const r of all(T.serviceBus)) {
    const geo = r.inputs.geoDataReplication as
      | { locations?: Array<{ locationName: string; roleType: string }>; maxReplicationLagDurationInSeconds?: number }
      | undefined;
    const replicas = geo?.locations ?? [];
    if (replicas.length < 2) {
      entries.push(entry(r, "Service Bus", [regionOf(r)], "one region", ...both(DR_FACTS.serviceBus.none)));
      continue;
    }
    const lag = geo?.maxReplicationLagDurationInSeconds ?? 0;
    const f = DR_FACTS.serviceBus.geoReplication;
    const rpoFact: DrFact = {
      ...f.rpo,
      minutes: lag / 60,
      statement: `${f.rpo.statement}; this namespace allows ${lag} s`,
    };
    entries.push(
      entry(
        r,
        "Service Bus",
        replicas.map((l) => l.locationName),
        `geo-replication, max lag ${lag} s`,
        judge(rpoFact, rpoTarget, "RPO"),
        judge(f.rto, rtoTarget, "RTO"),
        ["clients keep the namespace's own host name across a promotion"],
      ),
    );
  }

  const links = all(T.redisLinkedServer);
  const linkedNames = new Set(links.map((l) => String(l.inputs.linkedServerName ?? "")));
  for (const r of all(T.redis).filter((c) => !linkedNames.has(nameOf(c)))) {
    const link = links.find((l) => l.inputs.name === nameOf(r));
    if (link) {
      const regions = [regionOf(r), String(link.inputs.linkedRedisCacheLocation)];
      const pair = [r, all(T.redis).find((c) => nameOf(c) === link.inputs.linkedServerName)];
      const replicas = Math.max(...pair.map((c) => Number(c?.inputs.replicasPerPrimary ?? 1)));
      const protection = `passive geo-replication, ${replicas} replica${replicas === 1 ? "" : "s"} per primary`;
      if (replicas > DR_FACTS.redis.maxReplicasPerPrimary) {
        const refused: Judged = {
          ...DR_FACTS.redis.refusedLink,
          verdict: "not met",
          reason: DR_FACTS.redis.refusedLink.statement,
        };
        entries.push(entry(r, "Redis", regions, `${protection} (refused by Azure)`, refused, refused));
        continue;
      }
      entries.push(
        entry(r, "Redis", regions, protection, ...both(DR_FACTS.redis.geoReplication), [
          "apps use the geo-primary host name, which follows a failover",
        ]),
      );
      continue;
    }
    const cacheOnly = "a cache: rebuilt from the data of record after a failover, not recovered";
    const fact: DrFact = {
      minutes: null,
      statement: "not replicated: cache only",
      source: DR_FACTS.redis.geoReplication.rpo.source,
    };
    entries.push(entry(r, "Redis", [regionOf(r)], "cache only", excluded(fact, cacheOnly), excluded(fact, cacheOnly)));
  }

  for (const [type, engine] of [
    [T.psqlServer, "postgresql"],
    [T.mysqlServer, "mysql"],
  ] as const) {
    for (const r of all(type)) {
      const geo = (r.inputs.backup as { geoRedundantBackup?: string } | undefined)?.geoRedundantBackup === "Enabled";
      entries.push(
        entry(
          r,
          engine === "postgresql" ? "PostgreSQL" : "MySQL",
          [regionOf(r)],
          geo ? "geo-redundant backup (geo-restore)" : "local backup",
          ...both(geo ? DR_FACTS.flexibleServer[engine] : DR_FACTS.flexibleServer.local),
          geo ? pairNote("the geo-redundant backup") : [],
        ),
      );
    }
  }

  for (const r of all(T.keyVault))
    entries.push(
      entry(
        r,
        "Key Vault",
        [regionOf(r)],
        "Azure's replication to the paired region",
        ...both(DR_FACTS.keyVault),
        pairNote("the vault's replica"),
      ),
    );

  const apps = [...all(T.webApp), ...all(T.containerApp)];
  if (apps.length) {
    const regions = [...new Set(apps.map(regionOf))];
    const stateless: DrFact = {
      minutes: 0,
      statement: "stateless hosts: their data lives in the services above",
      source: "this plan",
    };
    const single: DrFact = {
      minutes: null,
      statement: `the apps run in ${regions.join(", ")} only: after a regional loss they must be deployed to another region, which nothing here bounds`,
      source: "this plan",
    };
    const hosts = { name: `${apps.length} app${apps.length === 1 ? "" : "s"}`, type: "hosts" };
    entries.push(
      entry(
        hosts,
        "Hosts",
        regions,
        regions.length > 1 ? "deployed in every region" : "one region",
        excluded(stateless, "stateless"),
        judge(regions.length > 1 ? { ...stateless, statement: "deployed in each region" } : single, rtoTarget, "RTO"),
      ),
    );
  }

  entries.push(...gatewayAndEdge(plan, regionOf, rtoTarget));

  const counts: Record<Verdict, number> = { met: 0, "not met": 0, "no target": 0, excluded: 0 };
  for (const e of entries) for (const j of [e.rpo, e.rto]) counts[j.verdict] += 1;
  return {
    schemaVersion: DR_SCHEMA_VERSION,
    stack: plan.stack,
    profile: plan.profile,
    mode: "offline",
    dr: declared
      ? {
          enabled: true,
          primary: declared.primary,
          secondary: declared.secondary,
          pair: declared.pair,
          rpoMinutes: declared.rpoMinutes,
          rtoMinutes: declared.rtoMinutes,
        }
      : { enabled: false },
    resources: entries,
    counts,
    targetsMet: declared !== undefined && counts["not met"] === 0,
  };
}

/**
 * The stateless tiers in front of the apps: the gateway (regional gateways of one instance, or an
 * instance per region) and Front Door, whose RTO is how soon its probes take a lost region's
 * origin out: once fewer than successfulSamplesRequired of the last sampleSize probes succeed.
 */
function gatewayAndEdge(plan: Plan, regionOf: (r: PlanResource) => string, rtoTarget: number | undefined): DrEntry[] {
  const entries: DrEntry[] = [];
  const stateless = (statement: string, source: string): Judged => ({
    ...excludedFact(statement, source),
    verdict: "excluded",
    reason: "stateless",
  });
  const gateways = plan.resources.filter((r) => r.type === T.apim);
  const locationsOf = (r: PlanResource) => [
    regionOf(r),
    ...((r.inputs.additionalLocations ?? []) as Array<{ location: string }>).map((l) => l.location),
  ];
  if (gateways.length) {
    const regions = [...new Set(gateways.flatMap(locationsOf))];
    const fact = regions.length > 1 ? DR_FACTS.gateway.multiRegion : DR_FACTS.gateway.singleRegion;
    entries.push({
      name: gateways.map((g) => g.physicalName ?? g.name).join(", "),
      type: T.apim,
      service: "Gateway",
      regions,
      protection:
        regions.length < 2
          ? "one region"
          : gateways.length > 1
            ? "an instance per region"
            : "a regional gateway per region",
      rpo: stateless("stateless: its configuration is declared by the stack", fact.source),
      rto: judge(fact, rtoTarget, "RTO"),
      notes:
        regions.length > 1 && gateways.length === 1
          ? ["configuration changes wait for the primary region: the management plane lives there"]
          : [],
    });
  }
  // The origin group in front of the gateway or the app (the static site's has its own group).
  const group = plan.resources.find((r) => r.type === T.afdOriginGroup && r.inputs.originGroupName !== "site");
  if (group) {
    const origins = plan.resources
      .filter((r) => r.type === T.afdOrigin && r.inputs.originGroupName === group.outputs.name)
      .sort((a, b) => Number(a.inputs.priority ?? 1) - Number(b.inputs.priority ?? 1));
    const regions = [...new Set(origins.map((o) => originRegion(plan, regionOf, String(o.inputs.hostName))))];
    const probe = (group.inputs.healthProbeSettings ?? {}) as { probeIntervalInSeconds?: number };
    const balance = (group.inputs.loadBalancingSettings ?? {}) as {
      sampleSize?: number;
      successfulSamplesRequired?: number;
    };
    const failedProbes = (balance.sampleSize ?? 4) - (balance.successfulSamplesRequired ?? 3) + 1;
    const minutes = (failedProbes * (probe.probeIntervalInSeconds ?? 100)) / 60;
    const fact: DrFact =
      regions.length > 1
        ? {
            minutes,
            statement: `origins in ${regions.join(", ")} by priority; an origin is out after ${failedProbes} failed probes ${probe.probeIntervalInSeconds ?? 100} s apart`,
            source: FRONT_DOOR_PROBES,
          }
        : {
            minutes: null,
            statement: `every origin is in ${regions.join(", ")}: nothing to fail over to`,
            source: FRONT_DOOR_PROBES,
          };
    entries.push({
      name: `origin group ${String(group.outputs.name ?? group.name)}`,
      type: T.afdOriginGroup,
      service: "Front Door",
      regions,
      protection: regions.length > 1 ? "priority failover between regions" : "one region's origins",
      rpo: stateless("stateless: global, no data of its own", FRONT_DOOR_PROBES),
      rto: judge(fact, rtoTarget, "RTO"),
      notes: [],
    });
  }
  return entries;
}

const excludedFact = (statement: string, source: string): DrFact => ({ minutes: 0, statement, source });

/** The region of the resource answering a host name: an API Management additional location's, where it is one. */
function originRegion(plan: Plan, regionOf: (r: PlanResource) => string, host: string): string {
  const mentions = (value: unknown) => JSON.stringify(value ?? null).includes(host);
  const owner = plan.resources.find((r) => r.type !== T.afdOrigin && mentions(r.outputs));
  if (!owner) return "unknown";
  const extra = ((owner.outputs.additionalLocations ?? []) as Array<{ location: string }>).find(mentions);
  return extra?.location ?? regionOf(owner);
}

/** Exit 3 when a prod-profile stack declares targets its resources do not meet. */
export function drFails(report: DrReport): boolean {
  return report.profile === "prod" && report.dr.enabled && !report.targetsMet;
}

/** One line for `estate plan`. */
export function drSummaryLine(report: DrReport): string {
  const { dr, counts } = report;
  if (!dr.enabled) return "Disaster recovery: off (estate:dr)";
  return `Disaster recovery: ${dr.primary} -> ${dr.secondary}, targets RPO ${dr.rpoMinutes} min / RTO ${dr.rtoMinutes} min: ${counts.met} met, ${counts["not met"]} not met, ${counts.excluded} excluded; details: estate dr ${report.stack}`;
}

/** The terminal report, fitted to `width`: the table, and the reasons and notes wrapped under their first line. */
export function renderDr(report: DrReport, width = terminalWidth()): string {
  // The reasons name their page: a URL longer than the width is cut rather than overflow.
  const fit = (line: string) => wrapLine(line, width, { cutLongWords: true });
  const lines = [
    chalk.bold(fit(`Disaster recovery of stack ${report.stack} (profile ${report.profile})`)),
    chalk.yellow(fit(`  ${OFFLINE_LABEL}; figures are Azure's documented ones, with their pages`)),
  ];
  lines.push(fit(drSummaryLine(report)));
  const mark = (j: Judged) =>
    j.verdict === "met"
      ? chalk.green(j.verdict)
      : j.verdict === "not met"
        ? chalk.red(j.verdict)
        : chalk.dim(j.verdict);
  const figure = (j: Judged) => (j.minutes === null ? "no bound" : minutesText(j.minutes));
  const rows = report.resources.map((e) => [
    e.name,
    e.service,
    e.regions.join(" -> "),
    e.protection,
    `${figure(e.rpo)} ${mark(e.rpo)}`,
    `${figure(e.rto)} ${mark(e.rto)}`,
  ]);
  lines.push(renderTable(["Resource", "Service", "Regions", "Protection", "RPO", "RTO"], rows, width));
  for (const e of report.resources) {
    for (const [what, j] of [
      ["RPO", e.rpo],
      ["RTO", e.rto],
    ] as const) {
      if (j.verdict !== "not met") continue;
      lines.push(fit(`${chalk.red("not met")} ${e.name} ${what}: ${j.reason} (${j.source})`));
    }
    for (const note of e.notes) lines.push(chalk.dim(fit(`note ${e.name}: ${note}`)));
  }
  return lines.join("\n");
}

export function writeDr(outDir: string, report: DrReport): string {
  return writeJson(path.join(outDir, "dr.json"), report);
}
