/** API Management: the service (apim-service.ts), its children (apim-children.ts) and its policy documents (apim-policies.ts). */
import type { Rule } from "../model.js";
import { apimChildRules } from "./apim-children.js";
import { apimPolicyRules } from "./apim-policies.js";
import { apimServiceRules } from "./apim-service.js";

export { HARDENED_SETTINGS } from "./apim-service.js";

export const apimRules: Rule[] = [...apimServiceRules, ...apimChildRules, ...apimPolicyRules];
