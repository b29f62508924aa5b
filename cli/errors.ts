/** Exit codes of every `estate` command (documented in README.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, policy: 3 } as const;

/** The command was called wrongly: exit 2. */
export class UsageError extends Error {}

/** A failure the user can fix (missing tool, bad file, guardrail): exit 1 with its message alone. */
export class EstateError extends Error {}
