import { networkArea } from "./network.js";

/**
 * The sections of the stack config, one per concern (`estate:network`, `estate:data`, ...).
 * Adding a section is one line here plus its own file.
 */
export const AREAS = {
  network: networkArea,
};

export type Areas = typeof AREAS;
