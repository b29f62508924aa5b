import { computeTypes } from "./compute.js";
import { coreTypes } from "./core.js";
import { dataTypes } from "./data.js";
import { edgeTypes } from "./edge.js";
import { entraTypes } from "./entra.js";
import { flexibleServerTypes } from "./flexible-servers.js";
import { gatewayTypes } from "./gateway.js";
import { kubernetesTypes } from "./kubernetes.js";
import { hostTypes } from "./hosts.js";
import { networkTypes } from "./network.js";
import { observabilityTypes } from "./observability.js";
import { platformTypes } from "./platform.js";
import { secretsTypes } from "./secrets.js";
import type { CatalogEntry } from "./types.js";

export type { CatalogEntry, OutputContext } from "./types.js";

/** Every resource type the estate declares or its policy pack judges; one file per area keeps additions apart. */
export const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  ...coreTypes,
  ...networkTypes,
  ...dataTypes,
  ...flexibleServerTypes,
  ...secretsTypes,
  ...observabilityTypes,
  ...edgeTypes,
  ...gatewayTypes,
  ...computeTypes,
  ...hostTypes,
  ...entraTypes,
  ...platformTypes,
  ...kubernetesTypes,
};

export function catalogEntry(type: string): CatalogEntry | undefined {
  return CATALOG[type];
}

export function isTaggable(type: string): boolean {
  return CATALOG[type]?.taggable ?? false;
}
