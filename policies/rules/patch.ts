import { REMOVE, type InputPatch } from "../model.js";
import { splitPath } from "./factory.js";

/** Applies a path patch (`a.b[0].c`: value, or REMOVE) to a copy of the inputs. */
export function patchInputs(inputs: Record<string, unknown>, patch: InputPatch): Record<string, unknown> {
  const copy = structuredClone(inputs);
  for (const [path, value] of Object.entries(patch)) {
    const steps = splitPath(path);
    let node: Record<string | number, unknown> = copy;
    for (const step of steps.slice(0, -1)) {
      if (node[step] === null || typeof node[step] !== "object") node[step] = {};
      node = node[step] as Record<string | number, unknown>;
    }
    const last = steps.at(-1)!;
    if (value === REMOVE) {
      if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
      else delete node[last];
    } else node[last] = value;
  }
  return copy;
}
