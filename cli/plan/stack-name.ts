import { STACK_NAME, STACK_NAME_RULE } from "./schema.js";

// Apart from stackfile.ts: commands that only read a saved plan check its stack name without
// loading the YAML parser.

/** A stack that has no stack file, or a stack file that is not valid YAML, or a stack name that is not one. */
export class StackFileError extends Error {}

/** Refuses a stack name that is not one, before it becomes a file or folder name. */
export function checkStackName(stack: string): string {
  if (!STACK_NAME.test(stack)) throw new StackFileError(`stack ${JSON.stringify(stack)}: ${STACK_NAME_RULE}`);
  return stack;
}
