import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { CloudEngine, StackListing } from "../cloud/engine.js";
import type { CloudDeps } from "../cloud/operation.js";
import { loadPriceTable } from "../cost/prices.js";
import { projectCopy, REPO_ROOT } from "../testing/project.js";
import { envDown, envGc, envList, envUp, urlsOf, type EnvContext } from "./env.js";
import { envName, formatDuration, parseDuration } from "./names.js";
import { loadSettings, type EphemeralSettings } from "./settings.js";

const settings: EphemeralSettings = { maxLiveStacks: 2, maxDailyCost: 20, defaultTtl: "8h", maxTtl: "7d", from: "dev" };
const clock = (iso: string) => () => new Date(iso);

const project = () => projectCopy();

/** A stack file as `env up` writes it, without planning: for the list and gc fixtures. */
function stackFile(dir: string, stack: string, config: Record<string, unknown>, dailyCost?: number): void {
  writeFileSync(
    path.join(dir, `Pulumi.${stack}.yaml`),
    `config:\n${Object.entries(config)
      .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
      .join("\n")}\n`,
  );
  if (dailyCost !== undefined) {
    mkdirSync(path.join(dir, ".estate", stack), { recursive: true });
    writeFileSync(
      path.join(dir, ".estate", stack, "cost.json"),
      JSON.stringify({ total: { daily: dailyCost, monthly: dailyCost * 30 } }),
    );
  }
}

const ephemeral = (expiresAt: string, owner = "a@x.com") => ({
  "estate:profile": "ephemeral",
  "estate:owner": owner,
  "estate:expiresAt": expiresAt,
  "estate:tags": { "created-at": "2026-11-24T08:00:00Z", "source-branch": "feature/x" },
});

/** A fixture project: two expired, one live, one without expiry, one misnamed prod stack. */
function fixtureStacks(): string {
  const dir = project();
  stackFile(dir, "ephemeral-old", ephemeral("2026-11-24T10:00:00Z"), 9.5);
  stackFile(dir, "ephemeral-older", ephemeral("2026-11-20T10:00:00Z"));
  stackFile(dir, "ephemeral-live", ephemeral("2026-11-24T18:00:00Z", "b@x.com"), 11);
  stackFile(dir, "ephemeral-noexp", { "estate:profile": "ephemeral" });
  stackFile(dir, "ephemeral-prodish", { "estate:profile": "prod", "estate:expiresAt": "2020-01-01T00:00:00Z" });
  return dir;
}

describe("environment names and durations", () => {
  it("normalises to an Azure-safe name and says so", () => {
    expect(envName("PR-42")).toEqual({ name: "pr42", stack: "ephemeral-pr42", normalisedFrom: "PR-42" });
    expect(envName("ephemeral-alice")).toMatchObject({ name: "alice", stack: "ephemeral-alice" });
    expect(envName("alice").normalisedFrom).toBeUndefined();
  });

  it("refuses what cannot be made valid, naming the rule, rather than truncating", () => {
    expect(() => envName("feature/login-page")).toThrow(
      /"featureloginpage", which Azure names cannot use: expected 2-8 lowercase letters or digits/,
    );
    expect(() => envName("42")).toThrow(/starting with a letter/);
  });

  it("parses and formats durations", () => {
    expect([
      parseDuration("90m"),
      parseDuration("8h"),
      parseDuration("2d"),
      parseDuration("8 hours"),
      parseDuration("0h"),
    ]).toEqual([5_400_000, 28_800_000, 172_800_000, undefined, undefined]);
    expect([formatDuration(5_400_000), formatDuration(3 * 86_400_000 + 3_600_000), formatDuration(-600_000)]).toEqual([
      "1h30m",
      "3d1h",
      "-10m",
    ]);
  });
});

describe("env list and gc (offline, fake clock)", () => {
  const now = clock("2026-11-24T12:00:00Z");

  it("lists each ephemeral stack with owner, age, time left and the last daily cost", async () => {
    const envs = await envList({ projectDir: fixtureStacks(), settings, now });
    const live = envs.find((e) => e.name === "live")!;
    expect(envs.map((e) => e.name)).toEqual(["live", "noexp", "old", "older", "prodish"]);
    expect(live).toMatchObject({
      owner: "b@x.com",
      ageMs: 4 * 3_600_000,
      timeLeftMs: 6 * 3_600_000,
      dailyCost: 11,
      expired: false,
      sourceBranch: "feature/x",
    });
    expect(envs.find((e) => e.name === "old")).toMatchObject({ expired: true, dailyCost: 9.5 });
  });

  it("dry-run names the expired ones and removes nothing", async () => {
    const dir = fixtureStacks();
    const result = await envGc({ projectDir: dir, settings, now }, true);
    expect(result.collected).toEqual(["ephemeral-old", "ephemeral-older"]);
    expect(existsSync(path.join(dir, "Pulumi.ephemeral-old.yaml"))).toBe(true);
  });

  it("collects only expired ephemeral stacks, never dev, prod, a non-ephemeral profile or a stack without expiry", async () => {
    const dir = fixtureStacks();
    const result = await envGc({ projectDir: dir, settings, now }, false);
    expect(result.collected).toEqual(["ephemeral-old", "ephemeral-older"]);
    expect(Object.fromEntries(result.kept.map((k) => [k.stack, k.reason]))).toEqual({
      "ephemeral-live": "expires in 6h",
      "ephemeral-noexp": "no readable expiry: never collected",
      "ephemeral-prodish": "profile is prod, not ephemeral: never collected",
    });
    expect(existsSync(path.join(dir, "Pulumi.ephemeral-old.yaml"))).toBe(false);
    expect(existsSync(path.join(dir, ".estate/ephemeral-old"))).toBe(false);
    for (const kept of ["dev", "prod", "ephemeral-live", "ephemeral-prodish"])
      expect(existsSync(path.join(dir, `Pulumi.${kept}.yaml`))).toBe(true);
    // Run again later: the live one has expired now; nothing else changes.
    const later = await envGc({ projectDir: dir, settings, now: clock("2026-11-25T00:00:00Z") }, false);
    expect(later.collected).toEqual(["ephemeral-live"]);
  });

  it("lists and collects around a stack file that is not valid YAML, naming it as failed", async () => {
    const dir = fixtureStacks();
    writeFileSync(path.join(dir, "Pulumi.ephemeral-bad.yaml"), "config: [unclosed\n");
    writeFileSync(path.join(dir, ".estate/ephemeral-old/cost.json"), "{ damaged");
    const envs = await envList({ projectDir: dir, settings, now });
    expect(envs.map((e) => e.name)).toEqual(["bad", "live", "noexp", "old", "older", "prodish"]);
    expect(envs[0]!.unreadable).toMatch(/Pulumi\.ephemeral-bad\.yaml is not valid YAML/);
    expect(envs.find((e) => e.name === "old")?.dailyCost).toBeUndefined();
    const result = await envGc({ projectDir: dir, settings, now }, false);
    expect(result.collected).toEqual(["ephemeral-old", "ephemeral-older"]);
    expect(result.failed).toEqual([
      {
        stack: "ephemeral-bad",
        error: expect.stringMatching(/^not collected: Pulumi\.ephemeral-bad\.yaml is not valid YAML/),
      },
    ]);
    expect(existsSync(path.join(dir, "Pulumi.ephemeral-bad.yaml"))).toBe(true);
  });

  it("env down refuses an unknown environment with the known ones", async () => {
    await expect(envDown({ projectDir: fixtureStacks(), settings, now }, "nope")).rejects.toThrow(
      /no ephemeral environment nope .*known: live, noexp, old, older, prodish/,
    );
  });
});

describe("env gc in cloud mode", () => {
  it("reads expiry from the backend's stack config for stacks with no file here, destroys and removes them", async () => {
    const dir = project();
    const calls: string[] = [];
    const backendStacks: StackListing[] = [{ name: "ephemeral-pr7" }, { name: "ephemeral-pr8" }, { name: "prod" }];
    const configs: Record<string, Record<string, string>> = {
      "ephemeral-pr7": {
        "estate:profile": "ephemeral",
        "estate:expiresAt": "2026-11-24T11:00:00Z",
        "estate:owner": "ci",
      },
      "ephemeral-pr8": {
        "estate:profile": "ephemeral",
        "estate:expiresAt": "2026-11-24T13:00:00Z",
        "estate:owner": "ci",
      },
    };
    const engine: CloudEngine = {
      preview: async () => {},
      up: async () => ({}),
      destroy: async (o) => void calls.push(`destroy ${o.stack} policy=${o.policyPacks.length}`),
      removeStack: async (t) => void calls.push(`rm ${t.stack}`),
      listStacks: async () => backendStacks,
      stackConfig: async (t) => configs[t.stack] ?? {},
      upInline: async () => ({}),
    };
    const cloud: CloudDeps = {
      engine,
      toolchain: async () => ({ code: 0, stdout: "", stderr: "" }),
      gate: () => ({ mandatory: [], advisory: 0 }),
    };
    const context: EnvContext = { projectDir: dir, settings, now: clock("2026-11-24T12:00:00Z"), cloud };
    const listed = await envList(context);
    expect(listed.map((e) => [e.stack, e.source, e.owner])).toEqual([
      ["ephemeral-pr7", "backend", "ci"],
      ["ephemeral-pr8", "backend", "ci"],
    ]);
    const result = await envGc(context, false);
    expect(result.collected).toEqual(["ephemeral-pr7"]);
    expect(calls).toEqual(["destroy ephemeral-pr7 policy=1", "rm ephemeral-pr7"]);
  });
});

describe("env up in cloud mode", () => {
  it("checks the backend's live stacks too, then deploys the new stack through the cloud path", async () => {
    const dir = project();
    const ops: string[] = [];
    const engine: CloudEngine = {
      preview: async () => {},
      up: async (o) => {
        ops.push(`up ${o.stack} packs=${o.policyPacks.map((p) => path.basename(p))}`);
        return { frontDoorUrl: "https://real.azurefd.net" };
      },
      destroy: async () => {},
      removeStack: async () => {},
      listStacks: async () => [{ name: "ephemeral-other" }],
      stackConfig: async () => ({ "estate:profile": "ephemeral", "estate:expiresAt": "2026-11-25T00:00:00Z" }),
      upInline: async () => ({}),
    };
    const cloud: CloudDeps = {
      engine,
      toolchain: async () => ({ code: 0, stdout: "", stderr: "" }),
      gate: () => ({ mandatory: [], advisory: 0 }),
    };
    const now = clock("2026-11-24T12:00:00Z");
    await expect(
      envUp(
        { projectDir: dir, settings: { ...settings, maxLiveStacks: 1 }, now, cloud },
        { name: "pr5", owner: "o@x.com" },
      ),
    ).rejects.toThrow(/1 ephemeral environments are live \(other\)/);
    const result = await envUp({ projectDir: dir, settings, now, cloud }, { name: "pr5", owner: "o@x.com" });
    expect(ops).toEqual(["up ephemeral-pr5 packs=policies"]);
    expect(result.cloud?.summary.operation).toBe("up");
    expect(result.urls).toEqual([["frontDoorUrl", "https://real.azurefd.net"]]); // the deployed outputs, not the mocks'
    // Planned once: the plan written beside the reports is the one env up planned and costed.
    const written = JSON.parse(readFileSync(path.join(dir, ".estate/ephemeral-pr5/plan.json"), "utf8"));
    expect(written.createdAt).toBe(result.plan.createdAt);
    expect(result.files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(["plan.json", "cost.json", "policy.json", "cloud-up.json"]),
    );
  });
});

describe("env up --offline", () => {
  const now = clock("2026-11-24T12:00:00Z");

  it("writes the ephemeral stack file from dev with owner, expiry and branch, plans and costs it", async () => {
    const dir = project();
    const result = await envUp(
      { projectDir: dir, settings, now },
      { name: "PR-9", ttl: "4h", owner: "dev@x.com", branch: "feature/nine" },
    );
    expect(result).toMatchObject({ stack: "ephemeral-pr9", normalisedFrom: "PR-9", expiresAt: "2026-11-24T16:00:00Z" });
    const doc = parse(readFileSync(path.join(dir, "Pulumi.ephemeral-pr9.yaml"), "utf8")).config;
    expect(doc).toMatchObject({
      "estate:profile": "ephemeral",
      "estate:owner": "dev@x.com",
      "estate:expiresAt": "2026-11-24T16:00:00Z",
      "estate:costCentre": "CC-1001",
      "estate:tags": { "created-at": "2026-11-24T12:00:00Z", "source-branch": "feature/nine" },
    });
    expect(result.plan.profile).toBe("ephemeral");
    const group = result.plan.resources.find((r) => r.type === "azure-native:resources:ResourceGroup")!;
    expect(group.inputs.tags).toMatchObject({
      environment: "pr9",
      owner: "dev@x.com",
      "expires-at": "2026-11-24T16:00:00Z",
      "source-branch": "feature/nine",
    });
    expect(result.cost.total.daily).toBeGreaterThan(0);
    expect(result.cost.total.daily).toBeLessThanOrEqual(settings.maxDailyCost);
    // The whole run's artifacts, policy reports included, as `estate plan` writes them.
    for (const file of ["plan.json", "cost.json", "policy.json", "policy.sarif", "policy.md", "policy.html"])
      expect(existsSync(path.join(dir, ".estate/ephemeral-pr9", file))).toBe(true);
    expect(result.files.map((f) => path.basename(f))).toContain("policy.json");
    const listed = await envList({ projectDir: dir, settings, now });
    expect(listed[0]).toMatchObject({
      name: "pr9",
      owner: "dev@x.com",
      dailyCost: result.cost.total.daily,
      timeLeftMs: 4 * 3_600_000,
    });

    // Running it again two hours later extends the expiry and keeps the creation time.
    const again = await envUp(
      { projectDir: dir, settings, now: clock("2026-11-24T14:00:00Z") },
      { name: "pr9", ttl: "8h", owner: "dev@x.com" },
    );
    expect(again.expiresAt).toBe("2026-11-24T22:00:00Z");
    expect(
      parse(readFileSync(path.join(dir, "Pulumi.ephemeral-pr9.yaml"), "utf8")).config["estate:tags"]["created-at"],
    ).toBe("2026-11-24T12:00:00Z");
  });

  it("refuses beyond the live-stack limit, and above the daily cost ceiling, leaving no stack file", async () => {
    const dir = fixtureStacks(); // live, and noexp: without an expiry it counts as live

    await expect(envUp({ projectDir: dir, settings, now }, { name: "third", owner: "o@x.com" })).rejects.toThrow(
      /Refusing ephemeral-third: 2 ephemeral environments are live \(live, noexp\) and the limit is 2 \(estate\.config\.json ephemeral\.maxLiveStacks\)/,
    );
    const cheap = { ...settings, maxLiveStacks: 10, maxDailyCost: 1 };
    await expect(envUp({ projectDir: dir, settings: cheap, now }, { name: "third", owner: "o@x.com" })).rejects.toThrow(
      /Refusing ephemeral-third: its estimated fixed cost is [\d.]+ USD\/day, above the ceiling of 1 USD\/day/,
    );
    expect(existsSync(path.join(dir, "Pulumi.ephemeral-third.yaml"))).toBe(false);
  });

  it("refuses an environment whose cost is partly unknown rather than counting the unknown as free", async () => {
    const dir = project();
    const shipped = loadPriceTable();
    const globalOnly = { ...shipped, regions: { global: shipped.regions.global! } };
    await expect(
      envUp({ projectDir: dir, settings, now, prices: globalOnly }, { name: "nop", owner: "o@x.com" }),
    ).rejects.toThrow(
      /Refusing ephemeral-nop: \d+ of its resources have no price, so its daily cost cannot be checked against the ceiling of 20 USD\/day/,
    );
    expect(existsSync(path.join(dir, "Pulumi.ephemeral-nop.yaml"))).toBe(false);
  });

  it("names where each mistake was made: the source stack file, the secret not copied, the option or estate.config.json", async () => {
    const dir = project();
    writeFileSync(
      path.join(dir, "Pulumi.typo.yaml"),
      "config:\n  estate:profile: dev\n  estate:owner: a@x.com\n  estate:costCentre: CC-1\n  estate:location: westeurope\n  estate:colour: blue\n",
    );
    await expect(
      envUp({ projectDir: dir, settings, now }, { name: "zz", from: "typo", owner: "o@x.com" }),
    ).rejects.toThrow(
      /Pulumi\.ephemeral-zz\.yaml \(written from Pulumi\.typo\.yaml\): 1 problem[\s\S]*estate:colour: unknown key; .* \(copied from Pulumi\.typo\.yaml\)/,
    );
    writeFileSync(
      path.join(dir, "Pulumi.sealed.yaml"),
      "config:\n  estate:profile: dev\n  estate:owner: a@x.com\n  estate:location: westeurope\n  estate:costCentre:\n    secure: AAABAKc=\n",
    );
    await expect(
      envUp({ projectDir: dir, settings, now }, { name: "zz", from: "sealed", owner: "o@x.com" }),
    ).rejects.toThrow(
      /estate:costCentre: missing; .*: estate:costCentre is a secret of Pulumi\.sealed\.yaml and is not copied; set it with `pulumi config set --secret estate:costCentre --stack ephemeral-zz`/,
    );
    const supplied =
      "config:\n  estate:profile: dev\n  estate:owner: a@x.com\n  estate:costCentre: CC-1\n  estate:location: westeurope\n" +
      '  estate:secrets:\n    supplied:\n      - { name: api-key, valueFrom: "secrets:apiKey", expires: "2027-03-31" }\n';
    writeFileSync(path.join(dir, "Pulumi.vaulted.yaml"), `${supplied}  secrets:apiKey:\n    secure: AAABAKc=\n`);
    await expect(
      envUp({ projectDir: dir, settings, now }, { name: "zz", from: "vaulted", owner: "o@x.com" }),
    ).rejects.toThrow(
      /estate:secrets\.supplied\[0\]\.valueFrom: secrets:apiKey is a secret of Pulumi\.vaulted\.yaml and is not copied; set it with `pulumi config set --secret secrets:apiKey --stack ephemeral-zz`/,
    );
    await expect(envUp({ projectDir: dir, settings, now }, { name: "zz", owner: "platform team" })).rejects.toThrow(
      /--owner "platform team": expected the owner's email address/,
    );
    await expect(
      envUp({ projectDir: dir, settings: { ...settings, defaultTtl: "soon" }, now }, { name: "zz", owner: "o@x.com" }),
    ).rejects.toThrow(/^estate\.config\.json ephemeral\.defaultTtl soon: expected a duration/);
    expect(existsSync(path.join(dir, "Pulumi.ephemeral-zz.yaml"))).toBe(false);
  });

  it("keeps the secrets set on the environment's own stack file, as the refusal of a secret not copied asks", async () => {
    const dir = project();
    writeFileSync(
      path.join(dir, "Pulumi.vaulted.yaml"),
      "config:\n  estate:profile: dev\n  estate:owner: a@x.com\n  estate:costCentre: CC-1\n  estate:location: westeurope\n" +
        '  estate:secrets:\n    supplied:\n      - { name: api-key, valueFrom: "secrets:apiKey", expires: "2027-03-31" }\n' +
        "  secrets:apiKey:\n    secure: AAABAKc=\n",
    );
    // What `pulumi config set --secret secrets:apiKey --stack ephemeral-zz` leaves.
    writeFileSync(path.join(dir, "Pulumi.ephemeral-zz.yaml"), "config:\n  secrets:apiKey:\n    secure: AAABAzz=\n");
    const result = await envUp({ projectDir: dir, settings, now }, { name: "zz", from: "vaulted", owner: "o@x.com" });
    expect(result.droppedSecrets).toEqual(["secrets:apiKey"]);
    const doc = parse(readFileSync(path.join(dir, "Pulumi.ephemeral-zz.yaml"), "utf8")).config;
    expect(doc).toMatchObject({ "secrets:apiKey": { secure: "AAABAzz=" }, "estate:profile": "ephemeral" });
  });

  it("refuses a ttl above the maximum and a missing owner", async () => {
    const dir = project();
    await expect(
      envUp({ projectDir: dir, settings, now }, { name: "x1", ttl: "30d", owner: "o@x.com" }),
    ).rejects.toThrow(/--ttl 30d is longer than the allowed 7d/);
    await expect(envUp({ projectDir: dir, settings, now }, { name: "x1" })).rejects.toThrow(/no owner: pass --owner/);
  });
});

describe("ephemeral stack files and git", () => {
  it("are ignored by the project's .gitignore, and the long-lived stack files are not", () => {
    const ignored = (file: string) =>
      spawnSync("git", ["check-ignore", "--no-index", "-q", file], { cwd: REPO_ROOT }).status === 0;
    expect(ignored("Pulumi.ephemeral-pr42.yaml")).toBe(true);
    for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.yaml"]) expect(ignored(file)).toBe(false);
  });
});

describe("settings and URLs", () => {
  it("defaults without estate.config.json and names a bad key", () => {
    const dir = project();
    expect(loadSettings(dir)).toEqual({
      maxLiveStacks: 5,
      maxDailyCost: 20,
      defaultTtl: "8h",
      maxTtl: "7d",
      from: "dev",
    });
    writeFileSync(
      path.join(dir, "estate.config.json"),
      JSON.stringify({ ephemeral: { maxLiveStacks: 0, defaultTtl: "soon" } }),
    );
    expect(() => loadSettings(dir)).toThrow(
      /estate\.config\.json: 2 problems\n {2}- ephemeral\.maxLiveStacks: .*\n {2}- ephemeral\.defaultTtl: expected a duration/,
    );
  });

  it("picks https outputs and app host names", () => {
    expect(urlsOf({ frontDoorUrl: "https://f", vnetId: "/subs/x", appHostNames: { api: "a.net" } })).toEqual([
      ["frontDoorUrl", "https://f"],
      ["appHostNames.api", "https://a.net"],
    ]);
  });
});
