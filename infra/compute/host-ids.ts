import type { Namer } from "../naming/index.js";

/**
 * A Functions host's id is its app's name cut to 32 characters, and the host keys its leases,
 * timers and keys by it in the shared storage account: two apps with the same first 32
 * characters collide, and Functions v4 stops the host
 * (https://github.com/Azure/azure-functions-host/wiki/Host-IDs).
 */
export const FUNCTIONS_HOST_ID_LENGTH = 32;

/** Function apps whose host ids (their names' first 32 characters) are the same, each with the app before it that has its id. */
export function hostIdClashes(apps: string[], namer: Namer): { app: string; other: string; hostId: string }[] {
  const byHostId = new Map<string, string>();
  return apps.flatMap((app) => {
    const hostId = namer.name("functionApp", app).slice(0, FUNCTIONS_HOST_ID_LENGTH).toLowerCase();
    const other = byHostId.get(hostId);
    byHostId.set(hostId, other ?? app);
    return other ? [{ app, other, hostId }] : [];
  });
}
