import { describe, expect, it } from "vitest";
import { loadApiConfig } from "../api/src/config.js";
import { loadWorkerConfig } from "../worker/src/config.js";
import { ConfigError } from "./config.js";
import type { Logger } from "./log.js";

const production = {
  COSMOS_ENDPOINT: "https://cosmos-estate.documents.azure.com:443/",
  COSMOS_DATABASE: "estate",
  BLOB_ENDPOINT: "https://stestate.blob.core.windows.net",
  SERVICEBUS__fullyQualifiedNamespace: "sbns-estate.servicebus.windows.net",
  AUTH_ISSUER: "https://login.microsoftonline.com/tenant/v2.0",
  AUTH_AUDIENCE: "api://estate",
  AUTH_JWKS_URI: "https://login.microsoftonline.com/tenant/discovery/v2.0/keys",
};
const development = {
  ...production,
  APP_ENV: "development",
  SERVICEBUS__fullyQualifiedNamespace: undefined,
  SERVICEBUS: "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=s;UseDevelopmentEmulator=true",
  COSMOS_KEY: "a2V5",
};

function capture(): { log: Logger; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  return { warnings, log: (level, message, fields) => level === "warn" && warnings.push({ message, ...fields }) };
}

const problemsOf = (load: () => unknown) => {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => p.setting);
  }
  throw new Error("expected a ConfigError");
};

describe("service configuration", () => {
  it("accepts a complete production environment with defaults", () => {
    const config = loadApiConfig(production, capture().log);
    expect(config).toMatchObject({
      APP_ENV: "production",
      MAX_UPLOAD_BYTES: 10 * 1024 * 1024,
      DOCUMENTS_QUEUE: "document-processing",
    });
  });

  it("stops in development on any bad or missing setting, naming it", () => {
    const { log } = capture();
    expect(problemsOf(() => loadApiConfig({ ...development, MAX_UPLOAD_BYTES: "lots" }, log))).toEqual([
      "MAX_UPLOAD_BYTES",
    ]);
    expect(
      problemsOf(() =>
        loadApiConfig({ ...development, AUTH_ISSUER: undefined, COSMOS_ENDPOINT: "not a url" }, log),
      ).sort(),
    ).toEqual(["AUTH_ISSUER", "COSMOS_ENDPOINT"]);
    expect(() => loadApiConfig({ ...development, AUTH_ISSUER: undefined }, log)).toThrow(/AUTH_ISSUER: is required/);
  });

  it("in production warns about a bad optional setting and uses its default", () => {
    const { log, warnings } = capture();
    const config = loadApiConfig(
      { ...production, MAX_UPLOAD_BYTES: "-5", APPLICATIONINSIGHTS_CONNECTION_STRING: "garbage" },
      log,
    );
    expect(config.MAX_UPLOAD_BYTES).toBe(10 * 1024 * 1024);
    expect(config.APPLICATIONINSIGHTS_CONNECTION_STRING).toBeUndefined();
    expect(warnings.map((w) => w.setting).sort()).toEqual([
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "MAX_UPLOAD_BYTES",
    ]);
    expect(warnings[0]).toMatchObject({ message: expect.stringContaining("optional setting") });
  });

  it("in production refuses to start without a required setting or with a development key", () => {
    const { log } = capture();
    expect(problemsOf(() => loadApiConfig({ ...production, COSMOS_DATABASE: undefined }, log))).toEqual([
      "COSMOS_DATABASE",
    ]);
    expect(problemsOf(() => loadApiConfig({ ...production, COSMOS_KEY: "a2V5" }, log))).toEqual(["COSMOS_KEY"]);
    expect(
      problemsOf(() => loadWorkerConfig({ ...production, SERVICEBUS__fullyQualifiedNamespace: undefined }, log)),
    ).toEqual(["SERVICEBUS__fullyQualifiedNamespace"]);
  });
});
