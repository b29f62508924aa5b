import type * as pulumi from "@pulumi/pulumi";
import { sendDiagnostics, type DiagnosticsOptions } from "../observability/diagnostics.js";
import type { BaseArgs } from "./args.js";
import { lockResource } from "./lock.js";
import { assignRoles } from "./roles.js";

/**
 * What BaseArgs asks of a component's main resource: its diagnostics, its lock and its role
 * assignments, all named after `ownerName`. One call, so no component forgets one of the three.
 */
export function applySharedArgs(
  owner: pulumi.Resource,
  ownerName: string,
  resourceId: pulumi.Input<string>,
  args: Pick<BaseArgs, "diagnostics" | "lock" | "roleAssignments">,
  diagnostics?: DiagnosticsOptions,
): void {
  sendDiagnostics(owner, ownerName, resourceId, args.diagnostics, diagnostics);
  lockResource(owner, ownerName, resourceId, args.lock);
  assignRoles(owner, ownerName, resourceId, args.roleAssignments);
}
