/**
 * What the estate knows about each Pulumi resource type it declares or its policy pack judges: the ARM resource type and
 * API version, how its ARM id is built, whether it takes tags, and the outputs Azure computes
 * for it (used by the offline plan's mocks so outputs flow between components as in Azure).
 */
export interface CatalogEntry {
  /** ARM type, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  arm: string;
  apiVersion: string;
  /**
   * Input names that hold each ARM name segment, outermost first; the last one is the resource's
   * own name (the logical name is used when that input is absent). Empty for the resource group.
   * A segment written `=default` is that literal name (e.g. the blob service of a container).
   */
  names: string[];
  /** Extension resources (role assignments, diagnostic settings, locks) live under this input's id. */
  scopeInput?: string;
  taggable: boolean;
  /**
   * Set on a type no component declares: why the catalog knows it all the same (the policy pack judges it
   * when a program declares one, and the offline plan gives it an ARM id, tags and a price like any other).
   */
  undeclared?: string;
  /** Outputs Azure computes (host names, principal ids, endpoints), given the resource's ARM name and inputs. */
  outputs?: (ctx: OutputContext) => Record<string, unknown>;
}

export interface OutputContext {
  name: string;
  id: string;
  inputs: Record<string, any>;
  /** A stable fake GUID for this resource and purpose (principal ids, keys that are not secrets). */
  guid: (purpose: string) => string;
}
