import { computeTypes } from "./compute.js";
import { coreTypes } from "./core.js";
import { dataTypes } from "./data.js";
import { edgeTypes } from "./edge.js";
import { entraTypes } from "./entra.js";
import { gatewayTypes } from "./gateway.js";
import { networkTypes } from "./network.js";
import { observabilityTypes } from "./observability.js";
import { platformTypes } from "./platform.js";
import { secretsTypes } from "./secrets.js";
import type { CatalogEntry } from "./types.js";

export type { CatalogEntry, OutputContext } from "./types.js";

/** Every resource type the estate declares; one file per area keeps additions apart. */
export const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  ...coreTypes,
  ...networkTypes,
  ...dataTypes,
  ...secretsTypes,
  ...observabilityTypes,
  ...edgeTypes,
  ...gatewayTypes,
  ...computeTypes,
  ...entraTypes,
  ...platformTypes,
};

export function catalogEntry(type: string): CatalogEntry | undefined {
  return CATALOG[type];
}

export function isTaggable(type: string): boolean {
  return CATALOG[type]?.taggable ?? false;
}
