import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { planConfig } from "../cli/plan/stack.js";
import { DEV_STACK as DEV } from "../test/config.js";

/** A project hosting Python services, each with its source folder (and what a local run leaves there). */
function project(manifests: Array<Record<string, unknown>>): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-python-"));
  writeFileSync(path.join(root, "Pulumi.yaml"), "name: estate\nruntime: nodejs\n");
  for (const manifest of manifests) {
    const source = path.join(root, "services", String(manifest.name), "app");
    mkdirSync(path.join(source, "__pycache__"), { recursive: true });
    writeFileSync(path.join(root, "services", String(manifest.name), "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(source, "requirements.txt"), "azure-functions\n");
    writeFileSync(path.join(source, manifest.kind === "web-app" ? "app.py" : "function_app.py"), "import os\n");
    writeFileSync(path.join(source, "__pycache__", "function_app.cpython-311.pyc"), "compiled");
    writeFileSync(path.join(source, "local.settings.json"), '{"Values":{"SECRET":"local"}}');
  }
  return root;
}

const python = (name: string, kind: string, pythonVersion: string) => ({
  name,
  kind,
  runtime: "python",
  source: "app",
  pythonVersion,
});

const setting = (app: PlanResource, name: string) =>
  (app.inputs.siteConfig as { appSettings: Array<{ name: string; value: unknown }> }).appSettings.find(
    (s) => s.name === name,
  )?.value;

describe("a Python function app on Flex Consumption", () => {
  let plan: Plan;
  let root: string;
  beforeAll(async () => {
    root = project([python("pyfn", "function-app", "3.11")]);
    const compute = {
      functions: { plan: "FlexConsumption", instanceMemoryMB: 2048, alwaysReady: 0, maxInstances: 40 },
    };
    plan = await planConfig({
      projectDir: root,
      stack: "dev",
      config: { ...DEV, "estate:compute": JSON.stringify(compute) },
      secretKeys: [],
    });
  });

  it("runs the Python version its manifest names, from functionAppConfig, with no settings Flex refuses", () => {
    const app = plan.resources.find((r) => r.type === "azure-native:web:WebApp")!;
    expect((app.inputs.functionAppConfig as { runtime: unknown }).runtime).toEqual({ name: "python", version: "3.11" });
    expect((app.inputs.siteConfig as { linuxFxVersion?: string }).linuxFxVersion).toBeUndefined();
    for (const name of ["FUNCTIONS_WORKER_RUNTIME", "SCM_DO_BUILD_DURING_DEPLOYMENT", "WEBSITE_RUN_FROM_PACKAGE"])
      expect(setting(app, name), name).toBeUndefined();
  });

  it("gets its source folder zipped with host.json, published by One deploy with a remote build", () => {
    const commands = plan.resources.filter((r) => r.type === "command:local:Command");
    expect(commands.map((c) => c.name)).toEqual(["publish-pyfn"]);
    const [publish] = commands;
    expect(publish.inputs.create).toBe(
      'az functionapp deployment source config-zip --resource-group "$GROUP" --name "$APP" --src "$FILE" --build-remote true --only-show-errors',
    );
    const zip = unzipSync(readFileSync(path.join(root, String((publish.inputs.environment as { FILE: string }).FILE))));
    expect(Object.keys(zip).sort()).toEqual(["function_app.py", "host.json", "requirements.txt"]);
    expect(new TextDecoder().decode(zip["requirements.txt"])).toBe("azure-functions\n");
    expect(JSON.parse(new TextDecoder().decode(zip["host.json"])).extensionBundle.id).toBe(
      "Microsoft.Azure.Functions.ExtensionBundle",
    );
  });
});

describe("Python apps on Elastic Premium and App Service (with a staging slot)", () => {
  let plan: Plan;
  beforeAll(async () => {
    const root = project([python("pyfn", "function-app", "3.12"), python("pyweb", "web-app", "3.13")]);
    const web = { web: { stagingSlot: true } };
    plan = await planConfig({
      projectDir: root,
      stack: "dev",
      config: { ...DEV, "estate:compute": JSON.stringify(web) },
      secretKeys: [],
    });
  });
  const app = (name: string) =>
    plan.resources.find((r) => r.type === "azure-native:web:WebApp" && r.name === `compute-${name}`)!;

  it("run the PYTHON stack of their version, the function app with the Python worker", () => {
    expect((app("pyfn").inputs.siteConfig as { linuxFxVersion: string }).linuxFxVersion).toBe("PYTHON|3.12");
    expect(setting(app("pyfn"), "FUNCTIONS_WORKER_RUNTIME")).toBe("python");
    expect((app("pyweb").inputs.siteConfig as { linuxFxVersion: string }).linuxFxVersion).toBe("PYTHON|3.13");
  });

  it("are built in Azure on zip deploy, never run from a package URL", () => {
    for (const name of ["pyfn", "pyweb"]) {
      expect(setting(app(name), "SCM_DO_BUILD_DURING_DEPLOYMENT"), name).toBe("true");
      expect(setting(app(name), "ENABLE_ORYX_BUILD"), name).toBe("true");
      expect(setting(app(name), "WEBSITE_RUN_FROM_PACKAGE"), name).toBeUndefined();
    }
    const commands = Object.fromEntries(
      plan.resources.filter((r) => r.type === "command:local:Command").map((c) => [c.name, c.inputs.create]),
    );
    expect(commands).toEqual({
      "publish-pyfn":
        'az functionapp deployment source config-zip --resource-group "$GROUP" --name "$APP" --src "$FILE" --build-remote true --only-show-errors',
      "publish-pyweb":
        'az webapp deploy --resource-group "$GROUP" --name "$APP" --src-path "$FILE" --type zip --only-show-errors',
      // The staging slot runs the same package: zip deployed to it as well.
      "publish-pyweb-staging":
        'az webapp deploy --resource-group "$GROUP" --name "$APP" --slot "$SLOT" --src-path "$FILE" --type zip --only-show-errors',
    });
    const environment = (name: string) =>
      plan.resources.find((r) => r.name === name)!.inputs.environment as Record<string, string>;
    expect(environment("publish-pyweb-staging")).toMatchObject({
      SLOT: "staging",
      FILE: environment("publish-pyweb").FILE,
    });
  });
});
