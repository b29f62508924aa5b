import { ConfigError } from "../stacks/config/errors.js";
import { NamingError } from "../infra/naming/index.js";
import { SiteContentError } from "../infra/static/content.js";
import { ManifestError } from "../services/manifest.js";
import { ProgramError } from "./plan/program-error.js";
import { StackFileError } from "../stacks/config/stack-name.js";
import { SettingsError } from "../policies/settings.js";
import { WaiverError } from "../policies/waivers.js";
import { EstateError, UsageError } from "./errors.js";

// Apart from cli/errors.ts, which every command imports: these classes bring the naming rules, the
// config schema and the YAML parser, which main.ts loads only once a command has failed.

/**
 * Errors that are the user's to fix (config, manifests, usage, the files they wrote or build): printed as one clear
 * message, no stack trace. A program that fails otherwise (a TypeError in a component) has a bug,
 * which cli/failure.ts reports with its location.
 */
export function isExpected(error: unknown): boolean {
  const cause = error instanceof ProgramError ? error.cause : error;
  return (
    cause instanceof ConfigError ||
    cause instanceof NamingError ||
    cause instanceof StackFileError ||
    cause instanceof ManifestError ||
    cause instanceof SiteContentError ||
    cause instanceof UsageError ||
    cause instanceof EstateError ||
    cause instanceof WaiverError ||
    cause instanceof SettingsError
  );
}
