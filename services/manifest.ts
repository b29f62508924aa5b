// Service manifests: what the estate needs to know to host a service. The estate calls
// `loadManifests("services")`, builds each entry with esbuild (or zips a Python app's source folder), creates the host, grants its managed
// identity exactly the listed data access, registers the routes in APIM and sets the settings.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { DATA_NAME_RULES, followsRule, type DataNameRule } from "./names.js";

const settingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an app-setting name (letters, digits, _)");

/** Where the estate takes a setting's value from. */
export const settingSources = [
  "cosmos.endpoint",
  "cosmos.database",
  "storage.blobEndpoint",
  "servicebus.fullyQualifiedNamespace",
  "servicebus.queue",
  "servicebus.maxDeliveryCount",
  "identity.clientId",
  "appInsights.connectionString",
  "auth.issuer",
  "auth.audience",
  "auth.jwksUri",
  "gateway.callerTokenHeader",
  "keyVault.generatedSecret",
  "redis.url",
  "redis.user",
  "sql.server",
  "sql.database",
  "postgresql.host",
  "postgresql.database",
  "postgresql.user",
  "mysql.host",
  "mysql.database",
  "mysql.user",
  "search.endpoint",
  "openai.endpoint",
  "openai.deployment",
  "signalr.endpoint",
  "webPubSub.endpoint",
  "appConfig.endpoint",
  "keyVault.secret",
  "literal",
] as const;
export type SettingSource = (typeof settingSources)[number];

/** Settings read as Key Vault references: one the estate generates, or one the operator supplies (estate:secrets.supplied). */
export const KEY_VAULT_SOURCES = [
  "keyVault.generatedSecret",
  "keyVault.secret",
] as const satisfies readonly SettingSource[];
export const isKeyVaultSetting = (setting: {
  from: SettingSource;
}): setting is { from: (typeof KEY_VAULT_SOURCES)[number] } & typeof setting =>
  (KEY_VAULT_SOURCES as readonly SettingSource[]).includes(setting.from);

const valuedSources: readonly SettingSource[] = [
  "literal",
  "servicebus.queue",
  "servicebus.maxDeliveryCount",
  ...KEY_VAULT_SOURCES,
  "openai.deployment",
];

/** A name Azure accepts by `rule` (the stack config checks its own names against the same rules). */
const nameBy = (rule: DataNameRule, what: string) =>
  z.string().refine((name) => followsRule(rule, name), `must be ${what}: ${rule.allowed}`);

const route = z
  .object({
    methods: z.array(z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"])).min(1),
    path: z
      .string()
      .regex(/^\/api\/v1(\/[A-Za-z0-9._-]+|\/\{[A-Za-z]\w*\})*$/, "must be a path under /api/v1, parameters as {name}"),
    /** `anonymous` routes skip APIM's validate-jwt (health probes). */
    auth: z.enum(["jwt", "anonymous"]).default("jwt"),
  })
  .strict();

// A queue's semantics (lock, TTL, max delivery count, dead-lettering) belong to the stack config
// (estate:data.serviceBus.queues), the single place both Azure and the local broker read them from.
const queue = z
  .object({
    name: nameBy(DATA_NAME_RULES.serviceBusQueue, "a Service Bus queue name"),
    access: z.enum(["send", "receive"]),
  })
  .strict();

const cosmosContainer = z
  .object({
    database: nameBy(DATA_NAME_RULES.cosmosName, "a Cosmos database id"),
    container: nameBy(DATA_NAME_RULES.cosmosName, "a Cosmos container id"),
    partitionKey: z.string().regex(/^(\/[A-Za-z_][A-Za-z0-9_]*)+$/, "must be a path like /tenantId"),
    access: z.enum(["read", "readwrite"]),
    /** Container default TTL in seconds; -1 lets items set their own `ttl`. */
    defaultTtlSeconds: z.number().int().min(-1).optional(),
  })
  .strict();

const blobContainer = z
  .object({
    name: nameBy(DATA_NAME_RULES.blobContainer, "a blob container name"),
    access: z.enum(["read", "readwrite"]),
  })
  .strict();

/**
 * The bindings to the estate's other data and platform services: each grants the service's
 * identity one least-privilege data-plane role on exactly that resource (stacks/tiers/bindings.ts
 * says which), and its settings come from the `<binding>.*` sources. Absent: no access.
 */
const access = z.enum(["read", "readwrite"]);
/** A binding to one database, named by its engine's rule. */
const databaseBinding = (rule: DataNameRule) =>
  z.object({ database: nameBy(rule, "a database name"), access }).strict();
export const bindingsShape = {
  /** Azure Cache for Redis: the Data Reader or Data Contributor access policy (Entra ID; keys are off). */
  redis: z.object({ access }).strict().optional(),
  /** Azure SQL: a contained database user for the identity, db_datareader (+ db_datawriter for readwrite). */
  sql: databaseBinding(DATA_NAME_RULES.sqlDatabase).optional(),
  /** PostgreSQL flexible server: an Entra role for the identity with SELECT (+ INSERT, UPDATE, DELETE) in the database. */
  postgresql: databaseBinding(DATA_NAME_RULES.postgresqlDatabase).optional(),
  /** MySQL flexible server: an Entra user for the identity with SELECT (+ INSERT, UPDATE, DELETE) on the database. */
  mysql: databaseBinding(DATA_NAME_RULES.mysqlDatabase).optional(),
  /** AI Search: Search Index Data Reader or Contributor on the service. */
  search: z.object({ access }).strict().optional(),
  /** Azure OpenAI: Cognitive Services OpenAI User on the account; the model deployments the service calls. */
  openAi: z
    .object({
      deployments: z.array(nameBy(DATA_NAME_RULES.openAiDeployment, "a model deployment name")).min(1),
    })
    .strict()
    .optional(),
  /** Azure SignalR Service: SignalR App Server. */
  signalR: z.object({}).strict().optional(),
  /** Azure Web PubSub: Web PubSub Service Owner. */
  webPubSub: z.object({}).strict().optional(),
  /** App Configuration: App Configuration Data Reader. */
  appConfig: z.object({}).strict().optional(),
};
export type BindingKey = keyof typeof bindingsShape;
export const BINDING_KEYS = Object.keys(bindingsShape) as BindingKey[];

/** The binding each binding-backed setting source reads from: a setting without its binding would have no access. */
export const SOURCE_BINDING: Partial<Record<SettingSource, BindingKey>> = {
  "redis.url": "redis",
  "redis.user": "redis",
  "sql.server": "sql",
  "sql.database": "sql",
  "postgresql.host": "postgresql",
  "postgresql.database": "postgresql",
  "postgresql.user": "postgresql",
  "mysql.host": "mysql",
  "mysql.database": "mysql",
  "mysql.user": "mysql",
  "search.endpoint": "search",
  "openai.endpoint": "openAi",
  "openai.deployment": "openAi",
  "signalr.endpoint": "signalR",
  "webPubSub.endpoint": "webPubSub",
  "appConfig.endpoint": "appConfig",
};

/**
 * Bindings whose access is tied to one Entra principal by object id or name (a Redis user, a
 * database user): the service signs in to them as its own user-assigned identity, the same on a
 * web app and its staging slot and known before either exists.
 */
export const IDENTITY_BINDINGS: readonly BindingKey[] = ["redis", "sql", "postgresql", "mysql"];

const appSetting = z
  .object({
    name: settingName,
    required: z.boolean(),
    from: z.enum(settingSources),
    /**
     * `literal`: the value itself; `servicebus.*`: the queue whose name or property is meant;
     * `keyVault.generatedSecret`: the name of the Key Vault secret the estate generates once and
     * the app reads as a Key Vault reference; `keyVault.secret`: the name of a secret the stack
     * supplies (estate:secrets.supplied), read the same way; `openai.deployment`: the bound model
     * deployment meant.
     */
    value: z.string().optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (valuedSources.includes(s.from) !== (s.value !== undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["value"],
        message: `value is required for ${valuedSources.join(", ")} settings and not allowed otherwise (${s.name} is from ${s.from})`,
      });
    } else if (isKeyVaultSetting(s) && !followsRule(DATA_NAME_RULES.keyVaultSecret, s.value!)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["value"],
        message: `a ${s.from} value names a Key Vault secret: ${DATA_NAME_RULES.keyVaultSecret.allowed} (${s.name} names "${s.value}")`,
      });
    }
  });

/**
 * What a service can be: App Service apps built from an entry file, a static site, a container
 * image. Which of these a stack can host depends on the tiers its config declares
 * (stacks/services.ts says which, and refuses the rest before anything is declared).
 */
export const SERVICE_KINDS = ["function-app", "web-app", "static-site", "container"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
/** Kinds built by the estate from an entry file (esbuild bundle, run-from-package zip). */
export const APP_SERVICE_KINDS: readonly ServiceKind[] = ["function-app", "web-app"];

/**
 * Where a `container` service runs: Azure Container Apps, or the stack's AKS cluster. A stack that
 * offers both needs the manifest to say which (stacks/container-hosts.ts).
 */
export const CONTAINER_HOSTS = ["container-apps", "aks"] as const;
export type ContainerHost = (typeof CONTAINER_HOSTS)[number];

/** What a service's code runs on. */
export const RUNTIMES = ["node", "python", "container"] as const;
export type Runtime = (typeof RUNTIMES)[number];
/**
 * The runtimes each kind can host: function and web apps run Node 20 (bundled by esbuild) or
 * Python (the source folder, built in Azure), a container its image as it is. A static site runs no code.
 */
const KIND_RUNTIMES: Record<ServiceKind, readonly Runtime[]> = {
  "function-app": ["node", "python"],
  "web-app": ["node", "python"],
  "static-site": [],
  container: ["container"],
};

/**
 * The Python versions a Python app may name: those Azure Functions 4.x supports on Linux in every
 * plan, Flex Consumption included (https://learn.microsoft.com/azure/azure-functions/supported-languages,
 * https://github.com/Azure/azure-functions-python-worker#readme), which App Service on Linux also runs
 * (`az webapp list-runtimes --os linux`, https://learn.microsoft.com/azure/app-service/configure-language-python).
 * 3.14 is left out: remote build, which the estate relies on, refuses it on Flex Consumption
 * (https://github.com/Azure/azure-functions-python-worker/issues/1801).
 */
export const PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13"] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
/** The file a Python app's source folder lists its packages in: Azure installs them when it builds the app. */
export const PYTHON_REQUIREMENTS = "requirements.txt";

export const manifestSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, "must be lower-case letters, digits and '-'"),
    kind: z.enum(SERVICE_KINDS),
    /** function-app, web-app on Node: entry file relative to the service folder, bundled by esbuild. */
    entry: z
      .string()
      .regex(/^[\w./-]+\.ts$/, "must be a relative .ts path")
      .optional(),
    /** function-app, web-app on Python: the source folder, relative to the service folder, zipped as it is. */
    source: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, "must be a relative folder inside the service")
      .optional(),
    /** function-app, web-app on Python: the Python version the app runs. */
    pythonVersion: z.enum(PYTHON_VERSIONS).optional(),
    /** static-site: the build output folder, relative to the service folder (built before the estate runs). */
    build: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, "must be a relative folder inside the service")
      .optional(),
    /** container: the image in the estate's registry, `repository:tag` or `repository@sha256:<digest>`. */
    image: z
      .string()
      .regex(
        /^[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/,
        "must be repository:tag or repository@sha256:<digest>",
      )
      .optional(),
    /** container: the port the container listens on. */
    port: z.number().int().min(1).max(65535).optional(),
    /** container: Container Apps or the stack's AKS cluster; absent: the one of them the stack offers. */
    host: z.enum(CONTAINER_HOSTS).optional(),
    /** What the code runs on; absent: the kind's own (node for function and web apps, container for containers). */
    runtime: z.enum(RUNTIMES).optional(),
    /**
     * The stacks that host this service when they do not list their services (`estate:services`);
     * absent: every such stack. A seed system's own service names its seed stack here.
     */
    stacks: z.array(z.string().min(1)).min(1).optional(),
    routes: z.array(route).default([]),
    queues: z.array(queue).default([]),
    cosmos: z.array(cosmosContainer).default([]),
    blobContainers: z.array(blobContainer).default([]),
    settings: z.array(appSetting).default([]),
    ...bindingsShape,
  })
  .strict();

export type ServiceManifest = z.infer<typeof manifestSchema>;

export interface LoadedManifest extends ServiceManifest {
  /** Absolute path of the service folder. */
  dir: string;
  /** Absolute path of the entry file (function-app, web-app on Node). */
  entryPath?: string;
  /** Absolute path of the source folder (function-app, web-app on Python). */
  sourcePath?: string;
  /** Absolute path of the build output (static-site). */
  buildPath?: string;
}

/** A service hosted on App Service: a Node app built from an entry file, or a Python app from its source folder. */
export type AppServiceManifest = LoadedManifest & { kind: "function-app" | "web-app" } & (
    | { runtime?: "node"; entry: string; entryPath: string }
    | { runtime: "python"; source: string; sourcePath: string; pythonVersion: PythonVersion }
  );

export const isAppService = (manifest: LoadedManifest): manifest is AppServiceManifest =>
  APP_SERVICE_KINDS.includes(manifest.kind);

type KindKey = "entry" | "source" | "pythonVersion" | "build" | "image" | "port" | "host";
/** Which keys each kind needs, and which it cannot have (an app's depend on its runtime). */
const KIND_KEYS: Record<ServiceKind | "python-app", { needs: KindKey[]; forbids: Array<keyof ServiceManifest> }> = {
  "function-app": { needs: ["entry"], forbids: ["source", "pythonVersion", "build", "image", "port", "host"] },
  "web-app": { needs: ["entry"], forbids: ["source", "pythonVersion", "build", "image", "port", "host"] },
  "python-app": { needs: ["source", "pythonVersion"], forbids: ["entry", "build", "image", "port", "host"] },
  // A static site serves files: no code of its own runs in Azure, so it binds to nothing.
  "static-site": {
    needs: ["build"],
    forbids: [
      "entry",
      "source",
      "pythonVersion",
      "image",
      "port",
      "host",
      "routes",
      "queues",
      "cosmos",
      "blobContainers",
      "settings",
      ...BINDING_KEYS,
    ],
  },
  container: { needs: ["image", "port"], forbids: ["entry", "source", "pythonVersion", "build"] },
};

function kindProblems(manifest: ServiceManifest): string[] {
  const runtimes = KIND_RUNTIMES[manifest.kind];
  const runtime = manifest.runtime;
  const runtimeProblems =
    runtime !== undefined && !runtimes.includes(runtime)
      ? [
          `runtime: ${runtime} cannot run as kind ${manifest.kind}; allowed: ${runtimes.join(", ") || "none (a static site runs no code)"}`,
        ]
      : [];
  const python = runtime === "python" && runtimeProblems.length === 0;
  const { needs, forbids } = KIND_KEYS[python ? "python-app" : manifest.kind];
  const what = python ? `kind ${manifest.kind} on runtime python` : `kind ${manifest.kind}`;
  const isSet = (key: keyof ServiceManifest) => {
    const value = manifest[key];
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  };
  return [
    ...runtimeProblems,
    ...needs
      .filter((key) => !isSet(key))
      .map((key) =>
        key === "pythonVersion"
          ? `pythonVersion: required for ${what}; allowed: ${PYTHON_VERSIONS.join(", ")}`
          : `${key}: required for ${what}`,
      ),
    ...forbids.filter(isSet).map((key) => `${key}: not allowed for ${what}`),
  ];
}

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "ManifestError";
  }
}

const duplicates = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);

/** Settings from a binding the manifest does not have, deployments it does not bind, identity bindings without the identity's client id. */
function bindingProblems(manifest: ServiceManifest): string[] {
  const problems: string[] = [];
  for (const s of manifest.settings) {
    const binding = SOURCE_BINDING[s.from];
    if (binding && !manifest[binding])
      problems.push(
        `settings: ${s.name} is from ${s.from}, but the manifest has no ${binding} binding (add "${binding}" to grant the access)`,
      );
    if (s.from === "openai.deployment" && manifest.openAi && !manifest.openAi.deployments.includes(s.value!)) {
      problems.push(
        `settings: ${s.name} names deployment "${s.value}"; the openAi binding lists ${manifest.openAi.deployments.join(", ")}`,
      );
    }
  }
  const identityBound = IDENTITY_BINDINGS.filter((key) => manifest[key]);
  if (identityBound.length && !manifest.settings.some((s) => s.from === "identity.clientId")) {
    problems.push(
      `settings: ${identityBound.join(", ")} ${identityBound.length > 1 ? "are" : "is"} reached as the service's user-assigned identity: add a setting from identity.clientId (AZURE_CLIENT_ID) so the app signs in as it`,
    );
  }
  problems.push(
    ...duplicates(manifest.openAi?.deployments ?? []).map((name) => `openAi.deployments: ${name} is listed twice`),
  );
  return problems;
}

export function parseManifest(file: string, json: unknown): ServiceManifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    throw new ManifestError(
      file,
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const manifest = result.data;
  const problems = [
    ...kindProblems(manifest),
    ...duplicates(manifest.settings.map((s) => s.name)).map((name) => `settings: ${name} is listed twice`),
    ...duplicates(manifest.routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`))).map(
      (route) => `routes: ${route} is listed twice`,
    ),
    ...(manifest.kind === "web-app"
      ? manifest.queues
          .filter((q) => q.access === "receive")
          .map((q) => `queues: ${q.name}: a web-app cannot host a queue trigger`)
      : []),
    ...bindingProblems(manifest),
    // Behind the gateway, Authorization carries the gateway's own token, not the caller's.
    ...(manifest.routes.some((r) => r.auth === "jwt") &&
    !manifest.settings.some((s) => s.from === "gateway.callerTokenHeader")
      ? [
          "settings: routes that need a token must read it from the header the gateway moves it to: add a setting from gateway.callerTokenHeader",
        ]
      : []),
  ];
  if (problems.length > 0) throw new ManifestError(file, problems);
  return manifest;
}

/**
 * A Python app's source folder is its package: Azure installs what its requirements.txt lists when
 * it builds the app, and a function app gets the estate's host.json (the extension bundle), as a
 * Node one does, so the folder holds none of its own.
 */
async function sourceProblems(manifest: ServiceManifest, sourcePath: string): Promise<string[]> {
  const has = (name: string) =>
    stat(path.join(sourcePath, name)).then(
      (s) => s.isFile(),
      () => false,
    );
  const folder = await stat(sourcePath).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!folder) return [`source: ${manifest.source} is not a folder of the service`];
  return [
    ...(!(await has(PYTHON_REQUIREMENTS))
      ? [`source: ${manifest.source} has no ${PYTHON_REQUIREMENTS} (Azure installs the app's packages from it)`]
      : []),
    ...(manifest.kind === "function-app" && (await has("host.json"))
      ? [`source: ${manifest.source}/host.json: the estate writes the Functions host settings itself; remove it`]
      : []),
  ];
}

/** Reads every `<servicesDir>/<name>/manifest.json`, sorted by name; fails on the first bad one. */
export async function loadManifests(servicesDir: string): Promise<LoadedManifest[]> {
  const root = path.resolve(servicesDir);
  const entries = await readdir(root, { withFileTypes: true });
  const manifests: LoadedManifest[] = [];
  // By code point, not localeCompare: ICU's collator costs every plan ~20 ms to start, for folder names.
  const folders = entries
    .filter((e) => e.isDirectory())
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of folders) {
    const file = path.join(root, entry.name, "manifest.json");
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (text === undefined) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ManifestError(file, [`not valid JSON: ${(error as Error).message}`]);
    }
    const manifest = parseManifest(file, json);
    if (manifest.name !== entry.name)
      throw new ManifestError(file, [`name: "${manifest.name}" must match the folder name "${entry.name}"`]);
    const dir = path.join(root, entry.name);
    const sourcePath = manifest.source === undefined ? undefined : path.join(dir, manifest.source);
    if (sourcePath) {
      const problems = await sourceProblems(manifest, sourcePath);
      if (problems.length) throw new ManifestError(file, problems);
    }
    manifests.push({
      ...manifest,
      dir,
      ...(manifest.entry ? { entryPath: path.join(dir, manifest.entry) } : {}),
      ...(sourcePath ? { sourcePath } : {}),
      ...(manifest.build ? { buildPath: path.join(dir, manifest.build) } : {}),
    });
  }
  return manifests;
}
