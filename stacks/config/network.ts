import { z } from "zod";
import { isCidr } from "../../infra/network/cidr.js";
import { planSubnets, SUBNET_ROLE_NAMES } from "../../infra/network/subnets.js";
import { defineArea } from "./area.js";

/** An IPv4 address space or subnet range (also estate:dr.addressSpace). */
export const cidr = z
  .string()
  .refine(isCidr, { message: "expected an IPv4 CIDR with no host bits set, such as 10.0.0.0/16" });

export const networkArea = defineArea({
  schema: z
    .object({
      addressSpace: cidr,
      /** Explicit subnet ranges; any not given are carved from the address space. */
      subnets: z.object(Object.fromEntries(SUBNET_ROLE_NAMES.map((r) => [r, cidr.optional()]))).strict(),
    })
    .strict(),
  defaults: () => ({ addressSpace: "10.0.0.0/16", subnets: {} }),
  check: (value, _context, report) => {
    try {
      planSubnets(value.addressSpace, value.subnets as Record<string, string>);
    } catch (error) {
      report(["subnets"], (error as Error).message);
    }
  },
});
