import type * as pulumi from "@pulumi/pulumi";
import type { Namer } from "../naming/index.js";

/**
 * The interface every component shares (after Azure Verified Modules). Components read no stack
 * config: the composition in stacks/ passes these typed arguments.
 */
export interface BaseArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  namer: Namer;
  tags?: Record<string, string>;
  /** Log Analytics workspace id: the component sends its logs and metrics there. */
  diagnostics?: DiagnosticsArgs;
  lock?: LockLevel;
  roleAssignments?: RoleAssignmentArgs[];
}

export interface DiagnosticsArgs {
  workspaceId: pulumi.Input<string>;
}

/** Where a data component puts its private endpoint and which private DNS zone answers for it. */
export interface PrivateEndpointArgs {
  subnetId: pulumi.Input<string>;
  privateDnsZoneId: pulumi.Input<string>;
  /**
   * The subnet's region, when the service lives in another (a disaster-recovery replica reached
   * from the primary VNet; Private Link connects across regions); the component's own otherwise.
   */
  location?: pulumi.Input<string>;
}

export type LockLevel = "CanNotDelete" | "ReadOnly";

export interface RoleAssignmentArgs {
  /** A built-in role name from infra/core/roles.ts. */
  role: string;
  principalId: pulumi.Input<string>;
  principalType?: "ServicePrincipal" | "Group" | "User";
  /** Stable key for the assignment's logical name, e.g. the service that uses it. */
  key: string;
}
