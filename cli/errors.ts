import { ConfigError } from "../stacks/config/errors.js";
import { NamingError } from "../infra/naming/index.js";
import { ProgramError } from "./plan/program-error.js";
import { StackFileError } from "./plan/stackfile.js";
import { SettingsError } from "../policies/settings.js";
import { WaiverError } from "../policies/waivers.js";

/** Exit codes of every `estate` command (documented in README.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, policy: 3 } as const;

/** The command was called wrongly: exit 2. */
export class UsageError extends Error {}

/** A failure the user can fix (missing tool, bad file, guardrail): exit 1 with its message alone. */
export class EstateError extends Error {}

/** Errors that are the user's to fix: printed as one clear message, no stack trace. */
export function isExpected(error: unknown): boolean {
  const cause = error instanceof ProgramError ? error.cause : error;
  return (
    cause instanceof ConfigError ||
    cause instanceof NamingError ||
    cause instanceof StackFileError ||
    cause instanceof UsageError ||
    cause instanceof EstateError ||
    cause instanceof WaiverError ||
    cause instanceof SettingsError ||
    error instanceof ProgramError
  );
}
