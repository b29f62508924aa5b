import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { LockLevel } from "./args.js";

/** A management lock on one resource, when the component was asked for one. */
export function lockResource(
  owner: pulumi.Resource,
  ownerName: string,
  scope: pulumi.Input<string>,
  level: LockLevel | undefined,
): authorization.ManagementLockByScope | undefined {
  if (!level) return undefined;
  return new authorization.ManagementLockByScope(
    `${ownerName}-lock`,
    { scope, level, lockName: `${ownerName}-lock`, notes: "Managed by estate: remove through the stack config." },
    { parent: owner, protect: false },
  );
}
