import { createHash } from "node:crypto";

/**
 * A version-4-shaped GUID derived from the given parts: the same parts give the same GUID on every run.
 * Role assignment names must be GUIDs and must be stable; the offline plan's mocks use it for ids Azure would pick.
 */
export function stableGuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
