// The manifests are what the estate deploys from, so they must agree with the code: the routes with
// the registered functions, the settings with the env schemas.
import path from "node:path";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { apiConfigSchema } from "./api/src/config.js";
import { createApiFunctions, type ApiDependencies } from "./api/src/functions.js";
import { SERVICES_DIR } from "./local/environment.js";
import { loadManifests, ManifestError } from "./manifest.js";
import { ROUTE_PREFIX } from "./shared/functions.js";
import { workerConfigSchema } from "./worker/src/config.js";
import { chatlingsSettings } from "./chatlings-web/src/config.js";
import { settingsSchema as ninevectorsSettings } from "./ninevectors-api/src/app.js";

/** Settings only the local environment sets; Azure uses managed identity instead. */
const developmentOnly = ["COSMOS_KEY", "BLOB_CONNECTION_STRING", "SERVICEBUS"];

const schemas: Record<string, z.AnyZodObject> = { api: apiConfigSchema, worker: workerConfigSchema };

describe("the services' manifests", async () => {
  // The estate's own services; a seed system's (kept to its stack, e.g. events-api) has its code and consumers elsewhere.
  const manifests = (await loadManifests(SERVICES_DIR)).filter((m) => !m.stacks);

  it("exist for the reference services api and worker; the seed stacks' services name their stacks", () => {
    expect(manifests.map((m) => m.name)).toEqual(["api", "worker"]);
  });

  it.each(["api", "worker"])(
    "%s lists exactly the settings its env schema validates, with the same required flags",
    (name) => {
      const manifest = manifests.find((m) => m.name === name)!;
      const shape = schemas[name].shape as Record<string, z.ZodTypeAny>;
      const expected = Object.keys(shape)
        .filter((key) => !developmentOnly.includes(key))
        .sort();
      expect(manifest.settings.map((s) => s.name).sort()).toEqual(expected);
      for (const setting of manifest.settings)
        expect([setting.name, setting.required]).toEqual([setting.name, !shape[setting.name].isOptional()]);
    },
  );

  it("api routes are exactly the registered HTTP functions", () => {
    // Any property or call yields the stub again: the function set is built but never invoked.
    const stub: never = new Proxy(() => {}, { get: () => stub, apply: () => stub }) as never;
    const functions = createApiFunctions({
      config: { DOCUMENTS_QUEUE: "q", MAX_UPLOAD_BYTES: 1 } as never,
      data: stub,
      authenticate: stub,
      log: () => {},
    } satisfies ApiDependencies);
    const registered = functions.http
      .flatMap((fn) => fn.methods.map((m) => `${m} /${ROUTE_PREFIX}/${fn.route}`))
      .sort();
    const declared = manifests
      .find((m) => m.name === "api")!
      .routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`))
      .sort();
    expect(declared).toEqual(registered);
  });

  it("have a receiving service for every queue sent to", () => {
    const received = manifests.flatMap((m) => m.queues.filter((q) => q.access === "receive").map((q) => q.name));
    const sent = manifests.flatMap((m) => m.queues.filter((q) => q.access === "send").map((q) => q.name));
    expect(sent.every((name) => received.includes(name))).toBe(true);
  });
});

describe("the seed services' bindings", async () => {
  const manifests = await loadManifests(SERVICES_DIR);
  // App Service sets PORT itself; it is no manifest setting.
  const bound: Array<[string, z.AnyZodObject]> = [
    ["chatlings-web", chatlingsSettings],
    ["ninevectors-api", ninevectorsSettings],
  ];

  it.each(bound)(
    "%s lists exactly the settings its env schema validates, with the same required flags",
    (name, schema) => {
      const manifest = manifests.find((m) => m.name === name)!;
      const shape = schema.shape as Record<string, z.ZodTypeAny>;
      expect(manifest.settings.map((s) => s.name).sort()).toEqual(
        Object.keys(shape)
          .filter((key) => key !== "PORT")
          .sort(),
      );
      for (const setting of manifest.settings)
        expect([setting.name, setting.required]).toEqual([setting.name, !shape[setting.name].isOptional()]);
    },
  );

  it("bind what their seeds use: chatlings-web Redis, PostgreSQL and SignalR; ninevectors-api SQL, Redis, AI Search and Azure OpenAI", () => {
    const chatlings = manifests.find((m) => m.name === "chatlings-web")!;
    expect([chatlings.redis, chatlings.postgresql, chatlings.signalR]).toEqual([
      { access: "readwrite" },
      { database: "chatlings", access: "readwrite" },
      {},
    ]);
    const ninevectors = manifests.find((m) => m.name === "ninevectors-api")!;
    expect([ninevectors.sql, ninevectors.redis, ninevectors.search, ninevectors.openAi]).toEqual([
      { database: "ninevectors", access: "readwrite" },
      { access: "readwrite" },
      { access: "read" },
      { deployments: ["coaching", "embeddings"] },
    ]);
  });
});

describe("loadManifests", () => {
  async function servicesWith(name: string, manifest: unknown): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "estate-manifests-"));
    await mkdir(path.join(dir, name));
    await writeFile(
      path.join(dir, name, "manifest.json"),
      typeof manifest === "string" ? manifest : JSON.stringify(manifest),
    );
    return dir;
  }
  const valid = { name: "svc", kind: "function-app", entry: "src/index.ts" };

  it("names the file and the key of every problem", async () => {
    const dir = await servicesWith("svc", {
      ...valid,
      kind: "vm",
      routes: [{ methods: ["GET"], path: "/v2/x" }],
      extra: 1,
    });
    const error = await loadManifests(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    const message = (error as Error).message;
    expect(message).toContain(path.join(dir, "svc", "manifest.json"));
    expect(message).toMatch(/kind: .*function-app/);
    expect(message).toContain("routes.0.path: must be a path under /api/v1");
    expect(message).toContain("Unrecognized key(s) in object: 'extra'");
  });

  it("rejects invalid JSON, a name that is not the folder's, and queue properties (they are the stack's)", async () => {
    await expect(loadManifests(await servicesWith("svc", "{"))).rejects.toThrow(/not valid JSON/);
    await expect(loadManifests(await servicesWith("other", valid))).rejects.toThrow(
      /name: "svc" must match the folder name "other"/,
    );
    const withProperties = { ...valid, queues: [{ name: "q", access: "receive", maxDeliveryCount: 3 }] };
    await expect(loadManifests(await servicesWith("svc", withProperties))).rejects.toThrow(
      /queues.0: Unrecognized key\(s\) in object: 'maxDeliveryCount'/,
    );
    const literal = { ...valid, settings: [{ name: "X", required: true, from: "literal" }] };
    await expect(loadManifests(await servicesWith("svc", literal))).rejects.toThrow(
      /settings.0.value: value is required/,
    );
  });

  it("refuses a generated secret without a valid secret name, naming the manifest, the key and the setting", async () => {
    const secret = (value?: string) => ({
      ...valid,
      settings: [
        {
          name: "CURSOR_SIGNING_KEY",
          required: false,
          from: "keyVault.generatedSecret",
          ...(value === undefined ? {} : { value }),
        },
      ],
    });
    const unnamed = await servicesWith("svc", secret());
    const error = await loadManifests(unnamed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).file).toBe(path.join(unnamed, "svc", "manifest.json"));
    expect((error as ManifestError).problems).toEqual([
      expect.stringMatching(
        /^settings\.0\.value: value is required for .*keyVault\.generatedSecret.* \(CURSOR_SIGNING_KEY is from keyVault\.generatedSecret\)$/,
      ),
    ]);
    await expect(loadManifests(await servicesWith("svc", secret("cursor_key")))).rejects.toThrow(
      /settings\.0\.value: a keyVault\.generatedSecret value names a Key Vault secret.*CURSOR_SIGNING_KEY names "cursor_key"/,
    );
    await expect(loadManifests(await servicesWith("svc", secret("cursor-signing-key")))).resolves.toMatchObject([
      { settings: [{ value: "cursor-signing-key" }] },
    ]);
  });

  it("refuses routes that need a token without a setting for the header the gateway moves the caller's token to", async () => {
    const routes = [{ methods: ["GET"], path: "/api/v1/things" }];
    await expect(loadManifests(await servicesWith("svc", { ...valid, routes }))).rejects.toThrow(
      /settings: .*gateway\.callerTokenHeader/,
    );
    const anonymous = [{ ...routes[0], auth: "anonymous" }];
    await expect(loadManifests(await servicesWith("svc", { ...valid, routes: anonymous }))).resolves.toHaveLength(1);
    const settings = [{ name: "AUTH_CALLER_HEADER", required: false, from: "gateway.callerTokenHeader" }];
    await expect(loadManifests(await servicesWith("svc", { ...valid, routes, settings }))).resolves.toHaveLength(1);
  });

  it("fills defaults and resolves the entry path", async () => {
    const dir = await servicesWith("svc", valid);
    const [manifest] = await loadManifests(dir);
    expect(manifest).toMatchObject({
      routes: [],
      queues: [],
      cosmos: [],
      blobContainers: [],
      settings: [],
      entryPath: path.join(dir, "svc", "src/index.ts"),
    });
  });

  it("takes static sites with a build folder and containers with an image and a port", async () => {
    const site = await servicesWith("web", { name: "web", kind: "static-site", build: "dist" });
    const [loaded] = await loadManifests(site);
    expect(loaded).toMatchObject({ kind: "static-site", buildPath: path.join(site, "web", "dist") });
    expect(loaded.entryPath).toBeUndefined();
    const container = await servicesWith("events", {
      name: "events",
      kind: "container",
      image: "events-api:1.4.2",
      port: 8080,
    });
    await expect(loadManifests(container)).resolves.toMatchObject([
      { kind: "container", image: "events-api:1.4.2", port: 8080 },
    ]);
  });

  it("takes a container's host, Container Apps or AKS, and refuses any other value or a host on another kind", async () => {
    const container = { name: "events", kind: "container", image: "events:1.0.0", port: 8080 };
    await expect(loadManifests(await servicesWith("events", { ...container, host: "aks" }))).resolves.toMatchObject([
      { host: "aks" },
    ]);
    const [unnamed] = await loadManifests(await servicesWith("events", container));
    expect(unnamed.host).toBeUndefined();
    const bad = await loadManifests(await servicesWith("events", { ...container, host: "kubernetes" })).catch(
      (e: Error) => e.message,
    );
    expect(bad).toContain("events/manifest.json");
    expect(bad).toMatch(/host: Invalid enum value\. Expected 'container-apps' \| 'aks', received 'kubernetes'/);
    await expect(
      loadManifests(
        await servicesWith("svc", { name: "svc", kind: "web-app", entry: "src/index.ts", host: "container-apps" }),
      ),
    ).rejects.toThrow(/host: not allowed for kind web-app/);
    await expect(
      loadManifests(await servicesWith("web", { name: "web", kind: "static-site", build: "dist", host: "aks" })),
    ).rejects.toThrow(/host: not allowed for kind static-site/);
  });

  it("refuses what a kind needs but lacks, and what it cannot have, naming each key", async () => {
    const noBuild = await loadManifests(await servicesWith("web", { name: "web", kind: "static-site" })).catch(
      (e: Error) => e.message,
    );
    expect(noBuild).toContain("build: required for kind static-site");
    const siteWithCode = {
      name: "web",
      kind: "static-site",
      build: "dist",
      entry: "src/index.ts",
      queues: [{ name: "q", access: "send" }],
    };
    const bound = await loadManifests(await servicesWith("web", siteWithCode)).catch((e: Error) => e.message);
    expect(bound).toContain("entry: not allowed for kind static-site");
    expect(bound).toContain("queues: not allowed for kind static-site");
    const noImage = await loadManifests(
      await servicesWith("events", { name: "events", kind: "container", entry: "src/index.ts" }),
    ).catch((e: Error) => e.message);
    expect(noImage).toMatch(
      /image: required for kind container[\s\S]*port: required for kind container[\s\S]*entry: not allowed for kind container/,
    );
    await expect(loadManifests(await servicesWith("svc", { name: "svc", kind: "function-app" }))).rejects.toThrow(
      /entry: required for kind function-app/,
    );
    const pythonContainer = await loadManifests(
      await servicesWith("events", {
        name: "events",
        kind: "container",
        image: "events:1",
        port: 80,
        runtime: "python",
      }),
    ).catch((e: Error) => e.message);
    expect(pythonContainer).toContain("events/manifest.json");
    expect(pythonContainer).toContain("runtime: python cannot run as kind container; allowed: container");
    await expect(
      loadManifests(
        await servicesWith("events", {
          name: "events",
          kind: "container",
          image: "events:1",
          port: 80,
          runtime: "node",
        }),
      ),
    ).rejects.toThrow(/runtime: node cannot run as kind container; allowed: container/);
    await expect(
      loadManifests(await servicesWith("web", { name: "web", kind: "static-site", build: "dist", runtime: "node" })),
    ).rejects.toThrow(/runtime: node cannot run as kind static-site; allowed: none \(a static site runs no code\)/);
    await expect(
      loadManifests(
        await servicesWith("svc", { name: "svc", kind: "function-app", entry: "src/index.ts", runtime: "node" }),
      ),
    ).resolves.toMatchObject([{ runtime: "node" }]);
    await expect(
      loadManifests(
        await servicesWith("svc", { name: "svc", kind: "function-app", entry: "src/index.ts", runtime: "ruby" }),
      ),
    ).rejects.toThrow(/runtime: .*node.*python.*container/);
    await expect(
      loadManifests(
        await servicesWith("events", { name: "events", kind: "container", image: "Events:latest!", port: 8080 }),
      ),
    ).rejects.toThrow(/image: must be repository:tag/);
    await expect(
      loadManifests(await servicesWith("web", { name: "web", kind: "static-site", build: "../elsewhere" })),
    ).rejects.toThrow(/build: must be a relative folder inside the service/);
  });

  describe("Python apps", () => {
    /** A service folder with a Python source folder `app` holding these files. */
    async function pythonService(manifest: Record<string, unknown>, files: Record<string, string>): Promise<string> {
      const dir = await servicesWith("svc", { name: "svc", source: "app", ...manifest });
      await mkdir(path.join(dir, "svc", "app"));
      for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, "svc", "app", file), text);
      return dir;
    }
    const app = { kind: "function-app", runtime: "python", pythonVersion: "3.11" };
    const sources = { "function_app.py": "import azure.functions\n", "requirements.txt": "azure-functions\n" };

    it("take a function or web app's source folder and a Python version, resolving the folder", async () => {
      for (const kind of ["function-app", "web-app"]) {
        const dir = await pythonService({ ...app, kind }, sources);
        await expect(loadManifests(dir)).resolves.toMatchObject([
          { kind, runtime: "python", pythonVersion: "3.11", sourcePath: path.join(dir, "svc", "app") },
        ]);
      }
    });

    it("refuse a Python version Azure does not run, naming the manifest, the key and the allowed values", async () => {
      const message = await loadManifests(await pythonService({ ...app, pythonVersion: "3.9" }, sources)).catch(
        (e: Error) => e.message,
      );
      expect(message).toContain("svc/manifest.json");
      expect(message).toMatch(/pythonVersion: .*'3\.10' \| '3\.11' \| '3\.12' \| '3\.13'.*received '3\.9'/);
      const unset = await loadManifests(await pythonService({ ...app, pythonVersion: undefined }, sources)).catch(
        (e: Error) => e.message,
      );
      expect(unset).toContain(
        "pythonVersion: required for kind function-app on runtime python; allowed: 3.10, 3.11, 3.12, 3.13",
      );
    });

    it("refuse an entry file, a source folder on Node, and a Python version on a Node app", async () => {
      const withEntry = await loadManifests(await pythonService({ ...app, entry: "src/index.ts" }, sources)).catch(
        (e: Error) => e.message,
      );
      expect(withEntry).toContain("entry: not allowed for kind function-app on runtime python");
      const node = await loadManifests(
        await servicesWith("svc", { ...valid, source: "app", pythonVersion: "3.11" }),
      ).catch((e: Error) => e.message);
      expect(node).toContain("source: not allowed for kind function-app");
      expect(node).toContain("pythonVersion: not allowed for kind function-app");
    });

    it("refuse a source folder without requirements.txt, or with a host.json of its own", async () => {
      const bare = await loadManifests(await pythonService(app, { "function_app.py": "" })).catch(
        (e: Error) => e.message,
      );
      expect(bare).toMatch(/svc\/manifest\.json:\n {2}- source: app has no requirements\.txt/);
      const hosted = await loadManifests(await pythonService(app, { ...sources, "host.json": "{}" })).catch(
        (e: Error) => e.message,
      );
      expect(hosted).toContain("source: app/host.json: the estate writes the Functions host settings itself");
      const missing = await loadManifests(await servicesWith("svc", { name: "svc", source: "nowhere", ...app })).catch(
        (e: Error) => e.message,
      );
      expect(missing).toContain("source: nowhere is not a folder of the service");
    });
  });

  it("takes a binding to each data and platform service, the settings read from them", async () => {
    const bindings = {
      redis: { access: "read" },
      sql: { database: "orders", access: "readwrite" },
      postgresql: { database: "chat", access: "read" },
      mysql: { database: "shop", access: "readwrite" },
      search: { access: "read" },
      openAi: { deployments: ["chat"] },
      signalR: {},
      webPubSub: {},
      appConfig: {},
    };
    const settings = [
      { name: "AZURE_CLIENT_ID", required: false, from: "identity.clientId" },
      { name: "REDIS_URL", required: true, from: "redis.url" },
      { name: "OPENAI_DEPLOYMENT", required: true, from: "openai.deployment", value: "chat" },
    ];
    await expect(loadManifests(await servicesWith("svc", { ...valid, ...bindings, settings }))).resolves.toMatchObject([
      { ...bindings, settings },
    ]);
  });

  it("refuses bad bindings and settings from a binding the manifest does not have, naming the file and each key", async () => {
    const manifest = {
      ...valid,
      redis: { access: "write" },
      openAi: { deployments: ["chat", "chat"] },
      sql: { database: "orders/2026", access: "read" },
      settings: [
        { name: "PGHOST", required: true, from: "postgresql.host" },
        { name: "OPENAI_DEPLOYMENT", required: true, from: "openai.deployment" },
      ],
    };
    const dir = await servicesWith("svc", manifest);
    const error = (await loadManifests(dir).catch((e: unknown) => e)) as ManifestError;
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.file).toBe(path.join(dir, "svc", "manifest.json"));
    expect(error.problems).toEqual([
      expect.stringMatching(/^settings\.1\.value: value is required for .*openai\.deployment/),
      expect.stringMatching(/^redis\.access: Invalid enum value\. Expected 'read' \| 'readwrite', received 'write'$/),
      "sql.database: must be a database name: 1-128 characters without < > * % & : \\ / ? and not ending in a space or dot",
    ]);
    const fixed = { ...manifest, redis: { access: "read" }, sql: { database: "orders", access: "read" } };
    fixed.settings = [...manifest.settings.slice(0, 1), { ...manifest.settings[1]!, value: "embeddings" } as never];
    const second = (await loadManifests(await servicesWith("svc", fixed)).catch((e: unknown) => e)) as ManifestError;
    expect(second.problems).toEqual([
      'settings: PGHOST is from postgresql.host, but the manifest has no postgresql binding (add "postgresql" to grant the access)',
      'settings: OPENAI_DEPLOYMENT names deployment "embeddings"; the openAi binding lists chat, chat',
      "settings: redis, sql are reached as the service's user-assigned identity: add a setting from identity.clientId (AZURE_CLIENT_ID) so the app signs in as it",
      "openAi.deployments: chat is listed twice",
    ]);
  });

  it("refuses bindings on a static site, which runs no code", async () => {
    const site = { name: "web", kind: "static-site", build: "dist", search: { access: "read" }, appConfig: {} };
    const message = await loadManifests(await servicesWith("web", site)).catch((e: Error) => e.message);
    expect(message).toContain("search: not allowed for kind static-site");
    expect(message).toContain("appConfig: not allowed for kind static-site");
  });
});
