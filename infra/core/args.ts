import type * as pulumi from "@pulumi/pulumi";
import type { Namer } from "../naming/index.js";

/**
 * The interface every component shares (after Azure Verified Modules). Components read no stack
 * config: the composition in stacks/ passes these typed arguments.
 *
 * What AVM's interface has and this one leaves out, and why: tags are not an argument, because
 * the stack's required-tags transformation (infra/tags) tags every taggable resource, so no
 * component can forget them; role assignments are granted by each component's `grant*` methods,
 * which name the data (a queue, a container) and the role an identity gets on it; identities
 * belong to the hosts that run code (an app's `userAssignedIdentityId`, a container app's
 * `identity`), which expose `principalId` for those grants.
 */
export interface BaseArgs {
  /** Name of the resource group the component's resources go into. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the component's resources, e.g. `westeurope` (global services such as Front Door ignore it). */
  location: pulumi.Input<string>;
  /** Names every resource after the Cloud Adoption Framework abbreviations and Azure's name rules. */
  namer: Namer;
  /** Where the component sends its logs and metrics; absent: no diagnostic settings. */
  diagnostics?: DiagnosticsArgs;
  /** A management lock on the component's main resources; absent: no lock. */
  lock?: LockLevel;
}

export interface DiagnosticsArgs {
  /** Resource id of the Log Analytics workspace that receives the diagnostic settings. */
  workspaceId: pulumi.Input<string>;
}

/** Where a data component puts its private endpoint and which private DNS zone answers for it. */
export interface PrivateEndpointArgs {
  /** Resource id of the subnet the private endpoint's network interface goes into. */
  subnetId: pulumi.Input<string>;
  /** Resource id of the private DNS zone (`privatelink.*`) that gets the endpoint's A record. */
  privateDnsZoneId: pulumi.Input<string>;
  /**
   * The subnet's region, when the service lives in another (a disaster-recovery replica reached
   * from the primary VNet; Private Link connects across regions); the component's own otherwise.
   */
  location?: pulumi.Input<string>;
}

export type LockLevel = "CanNotDelete" | "ReadOnly";

/** One Azure RBAC role for one principal, on the scope the function that takes it names. */
export interface RoleAssignmentArgs {
  /** A built-in role name from infra/core/roles.ts. */
  role: string;
  /** Entra object id of the principal that gets the role. */
  principalId: pulumi.Input<string>;
  /** What kind of principal `principalId` is; default `ServicePrincipal` (managed identities are). */
  principalType?: "ServicePrincipal" | "Group" | "User";
  /** Stable key for the assignment's logical name, e.g. the service that uses it. */
  key: string;
}
