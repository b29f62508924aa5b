import { expect } from "vitest";
import { ConfigError, loadConfig } from "../stacks/config/load.js";

/** The smallest valid dev stack, as Pulumi hands it to the program (flat keys, structured values as JSON). */
export const DEV_STACK: Readonly<Record<string, string>> = {
  "estate:profile": "dev",
  "estate:location": "westeurope",
  "estate:owner": "platform-team@contoso.com",
  "estate:costCentre": "CC-1001",
};

/** The error a stack config is refused with; fails the test when the config is accepted. */
export function refusal(
  raw: Record<string, string>,
  options: { stack?: string; secretKeys?: string[] } = {},
): ConfigError {
  try {
    loadConfig(raw, { stack: options.stack ?? "dev", secretKeys: new Set(options.secretKeys ?? []) });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected the config to be refused");
}
