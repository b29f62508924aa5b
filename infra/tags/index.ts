import * as pulumi from "@pulumi/pulumi";
import { isTaggable } from "../catalog/index.js";

export interface TagContext {
  environment: string;
  owner: string;
  costCentre: string;
  /** ISO 8601 date-time after which an ephemeral estate may be collected. */
  expiresAt?: string;
  extra?: Record<string, string>;
}

export const MANAGED_BY = "estate";

/** The tags every taggable resource carries. */
export function requiredTags(context: TagContext): Record<string, string> {
  return {
    ...context.extra,
    environment: context.environment,
    owner: context.owner,
    "cost-centre": context.costCentre,
    "managed-by": MANAGED_BY,
    ...(context.expiresAt ? { "expires-at": context.expiresAt } : {}),
  };
}

export { REQUIRED_TAG_KEYS } from "./keys.js";

/**
 * Adds the required tags to every taggable resource declared after this call, so no component
 * can forget them. Tags a component sets itself are kept; the required ones win on conflict.
 */
export function enforceRequiredTags(tags: Record<string, string>): void {
  pulumi.runtime.registerStackTransformation((args) => {
    if (!isTaggable(args.type)) return undefined;
    const props = { ...args.props, tags: pulumi.output(args.props.tags ?? {}).apply((own) => ({ ...own, ...tags })) };
    return { props, opts: args.opts };
  });
}
