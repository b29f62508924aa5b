import { dataArea } from "./data.js";
import { networkArea } from "./network.js";
import { observabilityArea } from "./observability.js";

/**
 * The sections of the stack config, one per concern (`estate:network`, `estate:data`, ...).
 * Adding a section is one line here plus its own file.
 */
export const AREAS = {
  network: networkArea,
  observability: observabilityArea,
  data: dataArea,
};

export type Areas = typeof AREAS;
