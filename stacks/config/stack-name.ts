// Apart from stackfile.ts: commands that only read a saved plan check its stack name without
// loading the YAML parser.

/**
 * A stack name as Pulumi allows it (letters, digits, `-`, `_`, `.`; at most 100 characters) and not
 * starting with a dot: it names the stack file and the `.estate/<stack>` folder, so it never
 * holds a path separator or `..`.
 */
export const STACK_NAME = /^(?!\.)[A-Za-z0-9_.-]{1,100}$/;
export const STACK_NAME_RULE =
  "expected a stack name of letters, digits, '-', '_' and '.' (at most 100, not starting with '.')";

/** A stack that has no stack file, or a stack file that is not valid YAML, or a stack name that is not one. */
export class StackFileError extends Error {}

/** Refuses a stack name that is not one, before it becomes a file or folder name. */
export function checkStackName(stack: string): string {
  if (!STACK_NAME.test(stack)) throw new StackFileError(`stack ${JSON.stringify(stack)}: ${STACK_NAME_RULE}`);
  return stack;
}
