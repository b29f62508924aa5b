import { computeArea } from "./compute.js";
import { dataArea } from "./data.js";
import { drArea } from "./dr.js";
import { edgeArea } from "./edge.js";
import { gatewayArea } from "./gateway.js";
import { kubernetesArea } from "./kubernetes.js";
import { hostsArea } from "./hosts.js";
import { networkArea } from "./network.js";
import { observabilityArea } from "./observability.js";
import { platformArea } from "./platform.js";
import { secretsArea } from "./secrets.js";

/**
 * The sections of the stack config, one per concern (`estate:network`, `estate:data`, ...).
 * Adding a section is one line here plus its own file.
 */
export const AREAS = {
  network: networkArea,
  observability: observabilityArea,
  data: dataArea,
  edge: edgeArea,
  gateway: gatewayArea,
  compute: computeArea,
  platform: platformArea,
  kubernetes: kubernetesArea,
  hosts: hostsArea,
  secrets: secretsArea,
  dr: drArea,
};

export type Areas = typeof AREAS;
