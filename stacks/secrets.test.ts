// Secrets the operator supplies: declared in the estate's Key Vault with their expiry, read by the
// app that names them as Key Vault references through a grant on that secret only, reminded before
// they expire through Event Grid, and refused before anything is declared when the config is wrong.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { planConfig } from "../cli/plan/stack.js";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { OFFLINE_SECRET } from "./config/stackfile.js";
import { BUILT_IN_ROLES } from "../infra/core/roles.js";
import { EXPIRY_EVENTS } from "../infra/secrets/reminders.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { loadStackPolicy } from "../policies/settings.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { loadHostedServices } from "./services.js";
import { ROOT } from "../test/estate-plans.js";

const DAY_MS = 24 * 3600 * 1000;
const day = (fromNow: number) => new Date(Date.now() + fromNow * DAY_MS).toISOString().slice(0, 10);
const YOUTUBE = { name: "youtube-api-key", valueFrom: "secrets:youtubeApiKey", expires: day(120) };
const OAUTH = {
  name: "oauth-client-secret",
  valueFrom: "secrets:oauthClientSecret",
  rotatedOn: day(-10),
  lifetimeDays: 90,
  remind: { emails: ["identity-team@contoso.com"] },
};

const DEV: Record<string, string> = {
  "estate:profile": "dev",
  "estate:owner": "team@contoso.com",
  "estate:costCentre": "CC-1",
};
const supplying = (supplied: object[], extra: object = {}) => ({
  ...DEV,
  "estate:secrets": JSON.stringify({ supplied, ...extra }),
});
const withValues = (config: Record<string, string>, keys: string[]) => ({
  ...config,
  ...Object.fromEntries(keys.map((k) => [k, OFFLINE_SECRET(k)])),
});

/** A project of one function app whose manifest reads `secret` from Key Vault. */
function projectReading(setting: { from: string; value: string }): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-secrets-"));
  cpSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
  mkdirSync(path.join(root, "services", "svc", "src"), { recursive: true });
  writeFileSync(path.join(root, "services", "svc", "src", "index.ts"), "export const ready = true;\n");
  writeFileSync(
    path.join(root, "services", "svc", "manifest.json"),
    JSON.stringify({
      name: "svc",
      kind: "function-app",
      entry: "src/index.ts",
      settings: [{ name: "YOUTUBE_API_KEY", required: true, ...setting }],
    }),
  );
  return root;
}

describe("a stack that supplies secrets", () => {
  let plan: Plan;
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const secret = (name: string) => ofType("azure-native:keyvault:Secret").find((s) => s.inputs.secretName === name)!;
  const app = () => ofType("azure-native:web:WebApp").find((r) => r.name === "compute-svc")!;

  beforeAll(async () => {
    const keys = [YOUTUBE.valueFrom, OAUTH.valueFrom];
    plan = await planConfig({
      projectDir: projectReading({ from: "keyVault.secret", value: YOUTUBE.name }),
      stack: "dev",
      config: withValues(supplying([YOUTUBE, OAUTH]), keys),
      secretKeys: keys,
    });
  });

  it("declares each in the estate's vault with its expiry, the value only as a secret", () => {
    expect(secret(YOUTUBE.name).inputs.properties).toEqual({
      value: "[secret]",
      contentType: "supplied by the operator; rotate before it expires",
      attributes: { enabled: true, expires: Date.parse(YOUTUBE.expires) / 1000 },
    });
    // rotatedOn + lifetimeDays.
    const oauth = secret(OAUTH.name).inputs.properties as { attributes: { expires: number } };
    expect(oauth.attributes.expires).toBe((Date.parse(OAUTH.rotatedOn) + 90 * DAY_MS) / 1000);
    expect(JSON.stringify(plan)).not.toContain(OFFLINE_SECRET(YOUTUBE.valueFrom));
  });

  it("hands the app a Key Vault reference, readable through a grant on that secret only", () => {
    const vault = ofType("azure-native:keyvault:Vault")[0];
    const settings = Object.fromEntries(
      (app().inputs.siteConfig as { appSettings: Array<{ name: string; value: string }> }).appSettings.map((s) => [
        s.name,
        s.value,
      ]),
    );
    expect(settings.YOUTUBE_API_KEY).toBe(
      `@Microsoft.KeyVault(SecretUri=https://${vault.physicalName}.vault.azure.net/secrets/${YOUTUBE.name})`,
    );
    const principalId = (app().outputs.identity as { principalId: string }).principalId;
    const grants = ofType("azure-native:authorization:RoleAssignment").filter(
      (r) => r.inputs.principalId === principalId,
    );
    const keyVaultGrants = grants.filter((r) =>
      String(r.inputs.roleDefinitionId).endsWith(BUILT_IN_ROLES["Key Vault Secrets User"]),
    );
    expect(keyVaultGrants.map((r) => r.inputs.scope)).toEqual([secret(YOUTUBE.name).outputs.id]);
  });

  it("reminds before expiry: an Event Grid system topic on the vault, one subscription per secret to an action group", () => {
    const vault = ofType("azure-native:keyvault:Vault")[0];
    const [topic] = ofType("azure-native:eventgrid:SystemTopic");
    expect(topic.inputs).toMatchObject({
      source: vault.outputs.id,
      topicType: "Microsoft.KeyVault.vaults",
      location: vault.inputs.location,
    });
    const groups = ofType("azure-native:monitor:ActionGroup");
    const estateGroup = groups.find((g) => !String(g.physicalName).includes("-kv-"))!;
    const oauthGroup = groups.find((g) => String(g.physicalName).endsWith("kv-oauth-client-secret"))!;
    expect((oauthGroup.inputs.emailReceivers as Array<{ emailAddress: string }>).map((r) => r.emailAddress)).toEqual([
      "identity-team@contoso.com",
    ]);
    const subscriptions = ofType("azure-native:eventgrid:SystemTopicEventSubscription");
    const to = (name: string) =>
      subscriptions.find((s) => (s.inputs.filter as any).advancedFilters[0].values[0] === name)!;
    expect(subscriptions).toHaveLength(2);
    for (const [name, group] of [
      [YOUTUBE.name, estateGroup],
      [OAUTH.name, oauthGroup],
    ] as Array<[string, PlanResource]>) {
      expect(to(name).inputs).toMatchObject({
        systemTopicName: topic.physicalName,
        filter: {
          includedEventTypes: EXPIRY_EVENTS,
          advancedFilters: [{ operatorType: "StringIn", key: "subject", values: [name] }],
        },
        destination: { endpointType: "MonitorAlert", actionGroups: [group.outputs.id], severity: "Sev3" },
      });
    }
    expect(EXPIRY_EVENTS).toEqual(["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired"]);
  });

  it("passes the policy pack: the supplied secrets have expiries, and no mandatory violation", () => {
    const report = evaluatePlan(plan, loadStackPolicy(ROOT, RULES, { stack: "dev", profile: "dev" }));
    const expiry = report.results.filter(
      (r) => r.ruleId === "EST-KV-008" && [YOUTUBE.name, OAUTH.name].includes(String(r.resource.physicalName)),
    );
    expect(expiry.map((r) => r.status)).toEqual(["pass", "pass"]);
    const mandatory = report.results.filter((r) => r.status === "fail" && r.enforcement === "mandatory");
    expect(mandatory.map((r) => `${r.ruleId} ${r.resource.name}: ${r.message}`)).toEqual([]);
  });
});

describe("supplied secrets refused before anything is declared", () => {
  const problems = (config: Record<string, string>, secretKeys: string[] = []) => {
    try {
      loadConfig(config, { stack: "dev", secretKeys: new Set(secretKeys) });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  };

  it("without its value in the stack config, or with the value in plain text", () => {
    expect(problems(supplying([YOUTUBE]))).toEqual([
      {
        key: "estate:secrets.supplied[0].valueFrom",
        message:
          "no value for secrets:youtubeApiKey in the stack config; set it with `pulumi config set --secret secrets:youtubeApiKey <value>`",
      },
    ]);
    expect(problems({ ...supplying([YOUTUBE]), "secrets:youtubeApiKey": "plain" })).toEqual([
      {
        key: "estate:secrets.supplied[0].valueFrom",
        message:
          "secrets:youtubeApiKey is stored in plain text; store it as a secret with `pulumi config set --secret secrets:youtubeApiKey <value>`",
      },
    ]);
    expect(problems(withValues(supplying([YOUTUBE]), [YOUTUBE.valueFrom]), [YOUTUBE.valueFrom])).toEqual([]);
  });

  it.each([
    ["an expiry in the past", { expires: day(-1) }, "expires", /expired on/],
    [
      "an expiry beyond maxLifetimeDays",
      { expires: day(400) },
      "expires",
      /more than maxLifetimeDays \(365\) from today/,
    ],
    [
      "a lifetime that ended",
      { expires: undefined, rotatedOn: day(-100), lifetimeDays: 90 },
      "rotatedOn",
      /expired on/,
    ],
    [
      "both an expiry and a lifetime",
      { rotatedOn: day(-1), lifetimeDays: 30 },
      "expires",
      /give either expires or rotatedOn with lifetimeDays/,
    ],
    [
      "a lifetime without its start",
      { expires: undefined, lifetimeDays: 30 },
      "rotatedOn",
      /lifetimeDays counts from rotatedOn/,
    ],
    ["no date", { expires: "soon" }, "expires", /expected an ISO 8601 date/],
    ["a reminder to nobody", { remind: {} }, "remind", /would remind nobody/],
  ])("with %s", (_label, change, field, message) => {
    const entry = { ...YOUTUBE, ...change };
    const found = problems(withValues(supplying([entry]), [entry.valueFrom]), [entry.valueFrom]);
    expect(found.find((p) => p.key === `estate:secrets.supplied[0].${field}`)?.message, JSON.stringify(found)).toMatch(
      message,
    );
  });

  it("with its value in the estate namespace, which holds the estate's own settings", () => {
    const entry = { ...YOUTUBE, valueFrom: "estate:youtubeApiKey" };
    expect(problems(supplying([entry]))).toContainEqual({
      key: "estate:secrets.supplied[0].valueFrom",
      message:
        'got "estate:youtubeApiKey"; the estate namespace holds the estate\'s settings: keep the value under another namespace, such as secrets:youtubeApiKey',
    });
    // Set there anyway, it is an unknown estate key.
    expect(problems(withValues(supplying([entry]), [entry.valueFrom]), [entry.valueFrom]).map((p) => p.key)).toContain(
      "estate:youtubeApiKey",
    );
  });

  it("under a longer maxLifetimeDays, a later expiry is accepted", () => {
    const entry = { ...YOUTUBE, expires: day(400) };
    expect(
      problems(withValues(supplying([entry], { maxLifetimeDays: 500 }), [entry.valueFrom]), [entry.valueFrom]),
    ).toEqual([]);
  });

  it("when it has a generated secret's name", () => {
    const entry = { ...YOUTUBE, name: "signing-secret" };
    expect(problems(withValues(supplying([entry]), [entry.valueFrom]), [entry.valueFrom])).toEqual([
      {
        key: "estate:secrets.supplied[0].name",
        message:
          '"signing-secret" is a secret the estate generates (estate:data.keyVault.secrets); give the supplied one another name',
      },
    ]);
  });

  it("when a manifest reads a secret the stack does not supply, naming the manifest and the key", async () => {
    const config = loadConfig(DEV, { stack: "dev" });
    const error = (await loadHostedServices(
      projectReading({ from: "keyVault.secret", value: YOUTUBE.name }),
      config,
      "dev",
    ).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      {
        key: "estate:secrets.supplied",
        message:
          'service svc (services/svc/manifest.json): setting YOUTUBE_API_KEY reads Key Vault secret "youtube-api-key", which the stack does not supply; supplied: (none)',
      },
    ]);
  });

  it("when a manifest asks the estate to generate a secret the stack supplies", async () => {
    const config = loadConfig(withValues(supplying([YOUTUBE]), [YOUTUBE.valueFrom]), {
      stack: "dev",
      secretKeys: new Set([YOUTUBE.valueFrom]),
    });
    const error = (await loadHostedServices(
      projectReading({ from: "keyVault.generatedSecret", value: YOUTUBE.name }),
      config,
      "dev",
    ).catch((e: unknown) => e)) as ConfigError;
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /asks the estate to generate "youtube-api-key", which the stack supplies; read it with from: keyVault.secret/,
      ),
    ]);
  });
});
