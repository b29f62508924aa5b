import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { EstateError } from "../errors.js";
import { writeJson } from "../output/files.js";

/**
 * `.estate/backend.json`: where `estate bootstrap` put the Pulumi state (Azure Blob) and the
 * secrets key (Key Vault). The cloud commands read it to reach the backend.
 */
export const backendSchema = z
  .object({
    backendUrl: z.string().startsWith("azblob://"),
    secretsProvider: z.string().startsWith("azurekeyvault://"),
    storageAccount: z.string().min(1),
    resourceGroup: z.string().min(1),
    location: z.string().min(1),
    loginCommand: z.string().min(1),
  })
  .strict();

export type BackendConfig = z.infer<typeof backendSchema>;

export const backendFile = (projectDir: string) => path.join(projectDir, ".estate", "backend.json");

export function readBackend(projectDir: string): BackendConfig | undefined {
  const file = backendFile(projectDir);
  if (!existsSync(file)) return undefined;
  const parsed = backendSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new EstateError(
      `${file} is not a valid backend file (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}); run \`estate bootstrap\` again`,
    );
  }
  return parsed.data;
}

export function writeBackend(projectDir: string, config: BackendConfig): string {
  return writeJson(backendFile(projectDir), config);
}

/** Environment for the Pulumi CLI: the backend URL and its storage account, when bootstrapped. */
export function backendEnv(config: BackendConfig | undefined): Record<string, string> {
  return config ? { PULUMI_BACKEND_URL: config.backendUrl, AZURE_STORAGE_ACCOUNT: config.storageAccount } : {};
}

/**
 * Sets `backend.url` in Pulumi.yaml, so the `pulumi` CLI of everyone who checks the project out
 * uses the bootstrapped state (comments and the rest of the file are kept). Returns whether it changed.
 */
export function recordBackendInProject(projectDir: string, backendUrl: string): boolean {
  const file = path.join(projectDir, "Pulumi.yaml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.getIn(["backend", "url"]) === backendUrl) return false;
  doc.setIn(["backend", "url"], backendUrl);
  writeFileSync(file, doc.toString());
  return true;
}
