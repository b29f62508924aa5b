import type * as pulumi from "@pulumi/pulumi";
import { sendDiagnostics, type DiagnosticsOptions } from "../observability/diagnostics.js";
import type { BaseArgs } from "./args.js";
import { lockResource } from "./lock.js";

/**
 * What BaseArgs asks of a component's main resource: its diagnostics and its lock, both named
 * after `ownerName`. One call, so no component forgets one of them.
 */
export function applySharedArgs(
  owner: pulumi.Resource,
  ownerName: string,
  resourceId: pulumi.Input<string>,
  args: Pick<BaseArgs, "diagnostics" | "lock">,
  diagnostics?: DiagnosticsOptions,
): void {
  sendDiagnostics(owner, ownerName, resourceId, args.diagnostics, diagnostics);
  lockResource(owner, ownerName, resourceId, args.lock);
}
