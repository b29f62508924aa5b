import { z } from "zod";
import type { Profile } from "./area.js";
import { defineArea } from "./area.js";

const RETENTION: Record<Profile, number> = { dev: 30, prod: 90, ephemeral: 30 };

export const observabilityArea = defineArea({
  schema: z
    .object({
      /** Log Analytics and App Insights retention; Azure accepts 30-730 days. */
      retentionDays: z.number().int().min(30).max(730),
    })
    .strict(),
  defaults: (profile) => ({ retentionDays: RETENTION[profile] }),
});
