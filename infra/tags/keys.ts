/** The tags every taggable resource carries; `expires-at` joins them on ephemeral stacks. Pure data, so the policy pack reads it without Pulumi. */
export const REQUIRED_TAG_KEYS = ["environment", "owner", "cost-centre", "managed-by"] as const;
