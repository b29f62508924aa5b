import type { Rule } from "../model.js";
import { apimRules } from "./apim.js";
import { computeRules } from "./compute.js";
import { containerRules } from "./containers.js";
import { dataRules } from "./data.js";
import { drRules } from "./dr.js";
import { edgeRules } from "./edge.js";
import { flexibleServerRules } from "./flexible-servers.js";
import { generalRules } from "./general.js";
import { identityRules } from "./identity.js";
import { kubernetesRules } from "./kubernetes.js";
import { messagingAndSecretRules } from "./messaging-secrets.js";
import { monitorRules } from "./monitor.js";
import { networkRules } from "./network.js";
import { platformRules } from "./platform.js";
import { staticSiteRules } from "./static-sites.js";
import { stackRules } from "./stack.js";
import { storageRules } from "./storage.js";

const ID = /^EST-[A-Z]+-\d{3}$/;

/** Fails at import time on a malformed or duplicate id: ids are stable keys for waivers and reports. */
function catalogue(rules: Rule[]): readonly Rule[] {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!ID.test(rule.id))
      throw new Error(`policies/rules: rule id ${JSON.stringify(rule.id)} does not match EST-<AREA>-<NNN>`);
    if (seen.has(rule.id)) throw new Error(`policies/rules: rule id ${rule.id} is declared twice`);
    if (!rule.types.length) throw new Error(`policies/rules: rule ${rule.id} applies to no resource type`);
    seen.add(rule.id);
  }
  // By code point, not localeCompare: ids are ASCII, and ICU's collator would cost every command
  // that loads the pack tens of milliseconds to start.
  return Object.freeze([...rules].sort((a, b) => (a.id < b.id ? -1 : 1)));
}

/** The whole pack. */
export const RULES = catalogue([
  ...generalRules,
  ...identityRules,
  ...networkRules,
  ...storageRules,
  ...dataRules,
  ...drRules,
  ...flexibleServerRules,
  ...messagingAndSecretRules,
  ...edgeRules,
  ...apimRules,
  ...computeRules,
  ...kubernetesRules,
  ...containerRules,
  ...staticSiteRules,
  ...monitorRules,
  ...platformRules,
  ...stackRules,
]);
