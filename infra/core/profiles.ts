/**
 * The profiles a stack picks (DESIGN.md "Profiles"): stacks/config turns one into defaults, the policy
 * pack into each rule's enforcement. Components never see it; it lives here, below both.
 */
export const PROFILES = ["dev", "prod", "ephemeral"] as const;
export type Profile = (typeof PROFILES)[number];
