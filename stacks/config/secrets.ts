import { z } from "zod";
import { DATA_NAME_RULES } from "../../services/names.js";
import { defineArea } from "./area.js";
import type { ConfigProblem } from "./errors.js";

const DAY_MS = 24 * 3600 * 1000;
const MAX_NAME = 59;
/** A Pulumi config key outside the estate's own namespace, e.g. `secrets:youtubeApiKey`. */
const CONFIG_KEY = /^([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)$/;

const receivers = z
  .object({ emails: z.array(z.string().email()), webhooks: z.array(z.string().url()) })
  .partial()
  .strict();

/**
 * A Key Vault secret whose value the operator supplies: the estate declares it with its expiry and
 * reminds before it expires; the operator rotates it (a new value in the stack config, a new expiry).
 */
const suppliedSecret = z
  .object({
    /** The Key Vault secret's name, as a manifest's `keyVault.secret` setting names it. */
    name: z
      .string()
      .regex(
        DATA_NAME_RULES.keyVaultSecret.pattern,
        `expected ${DATA_NAME_RULES.keyVaultSecret.allowed} (a Key Vault secret name)`,
      ),
    /** The Pulumi config key that holds the value as a secret (`pulumi config set --secret secrets:<key> ...`). */
    valueFrom: z
      .string()
      .regex(CONFIG_KEY, "expected a Pulumi config key namespace:key, such as secrets:youtubeApiKey"),
    /** When the value expires (ISO 8601 date or date-time); or give `rotatedOn` and `lifetimeDays`. */
    expires: z.string().optional(),
    /** The date the current value was set, with `lifetimeDays`: it expires that many days later. */
    rotatedOn: z.string().optional(),
    lifetimeDays: z.number().int().positive().optional(),
    /** Who is reminded before it expires; absent, the estate's alert receivers (estate:observability.alerts). */
    remind: receivers.optional(),
    /** What the value is, for whoever rotates it (Key Vault's content type). */
    contentType: z.string().min(1).optional(),
  })
  .strict();
export type SuppliedSecret = z.output<typeof suppliedSecret>;

/** The expiry of a supplied secret, or undefined when its dates do not give one (the check reports why). */
export function secretExpiry(secret: SuppliedSecret): Date | undefined {
  const at = (text: string | undefined) =>
    text !== undefined && !Number.isNaN(Date.parse(text)) ? new Date(Date.parse(text)) : undefined;
  if (secret.expires !== undefined)
    return secret.rotatedOn === undefined && secret.lifetimeDays === undefined ? at(secret.expires) : undefined;
  const rotated = at(secret.rotatedOn);
  return rotated && secret.lifetimeDays !== undefined
    ? new Date(rotated.getTime() + secret.lifetimeDays * DAY_MS)
    : undefined;
}

/** The namespace and key of `valueFrom`. */
export function valueKey(secret: SuppliedSecret): { namespace: string; key: string } {
  const [, namespace = "", key = ""] = CONFIG_KEY.exec(secret.valueFrom) ?? [];
  return { namespace, key };
}

export const secretsArea = defineArea({
  schema: z
    .object({
      /** The longest a supplied secret may run from today to its expiry before a plan refuses it. */
      maxLifetimeDays: z.number().int().positive(),
      supplied: z.array(suppliedSecret),
    })
    .strict(),
  // A year: the estate's own bar for a credential someone has to rotate by hand.
  defaults: () => ({ maxLifetimeDays: 365, supplied: [] }),
  check: (value, _context, report) => {
    const now = Date.now();
    const seen = new Set<string>();
    value.supplied.forEach((secret, i) => {
      const at = (...path: string[]) => ["supplied", i, ...path];
      if (seen.has(secret.name.toLowerCase()))
        report(at("name"), `"${secret.name}" is listed twice (Key Vault names ignore case)`);
      seen.add(secret.name.toLowerCase());
      // Its reminder subscription is named evgs-<name>, which Event Grid allows 64 characters.
      if (secret.name.length > MAX_NAME)
        report(
          at("name"),
          `"${secret.name}" is ${secret.name.length} characters; a supplied secret's name takes at most ${MAX_NAME} (its reminder's Event Grid subscription is named after it)`,
        );
      if (secret.remind && !secret.remind.emails?.length && !secret.remind.webhooks?.length) {
        report(
          at("remind"),
          `secret "${secret.name}" would remind nobody; give emails or webhooks, or leave remind out to remind the estate's alert receivers`,
        );
      }
      secret.remind?.webhooks?.forEach((url, w) => {
        if (!url.startsWith("https://"))
          report(at("remind", "webhooks", String(w)), `got "${url}"; reminder webhooks must use https`);
      });
      if (valueKey(secret).namespace === "estate") {
        report(
          at("valueFrom"),
          `got "${secret.valueFrom}"; the estate namespace holds the estate's settings: keep the value under another namespace, such as secrets:${valueKey(secret).key}`,
        );
      }
      const byDate = secret.expires !== undefined;
      const byLifetime = secret.rotatedOn !== undefined || secret.lifetimeDays !== undefined;
      if (byDate === byLifetime) {
        report(at("expires"), `give either expires or rotatedOn with lifetimeDays for secret "${secret.name}"`);
        return;
      }
      if (byLifetime && (secret.rotatedOn === undefined || secret.lifetimeDays === undefined)) {
        report(
          at(secret.rotatedOn === undefined ? "rotatedOn" : "lifetimeDays"),
          `lifetimeDays counts from rotatedOn: give both for secret "${secret.name}"`,
        );
        return;
      }
      const field = byDate ? "expires" : "rotatedOn";
      const expiry = secretExpiry(secret);
      if (!expiry) {
        report(at(field), `got "${secret[field]}"; expected an ISO 8601 date such as 2027-03-31`);
      } else if (expiry.getTime() <= now) {
        report(
          at(field),
          `secret "${secret.name}" expired on ${expiry.toISOString().slice(0, 10)}; rotate it and give the new value's expiry`,
        );
      } else if (expiry.getTime() - now > value.maxLifetimeDays * DAY_MS) {
        report(
          at(field),
          `secret "${secret.name}" expires on ${expiry.toISOString().slice(0, 10)}, more than maxLifetimeDays (${value.maxLifetimeDays}) from today`,
        );
      }
    });
  },
});

/**
 * What the stack config's values say about the supplied secrets, beyond the schema: each needs its
 * value under `valueFrom`, stored as a Pulumi secret (`secure:`), and a name no generated secret has.
 */
export function suppliedSecretProblems(
  config: { secrets: { supplied: SuppliedSecret[] }; data: { keyVault: { secrets: Array<{ name: string }> } } },
  raw: Record<string, string>,
  secretKeys: ReadonlySet<string>,
): ConfigProblem[] {
  const generated = new Set(config.data.keyVault.secrets.map((s) => s.name));
  return config.secrets.supplied.flatMap((secret, i): ConfigProblem[] => {
    const key = `estate:secrets.supplied[${i}]`;
    if (generated.has(secret.name)) {
      return [
        {
          key: `${key}.name`,
          message: `"${secret.name}" is a secret the estate generates (estate:data.keyVault.secrets); give the supplied one another name`,
        },
      ];
    }
    if (raw[secret.valueFrom] === undefined) {
      return [
        {
          key: `${key}.valueFrom`,
          message: `no value for ${secret.valueFrom} in the stack config; set it with \`pulumi config set --secret ${secret.valueFrom} <value>\``,
        },
      ];
    }
    if (!secretKeys.has(secret.valueFrom)) {
      return [
        {
          key: `${key}.valueFrom`,
          message: `${secret.valueFrom} is stored in plain text; store it as a secret with \`pulumi config set --secret ${secret.valueFrom} <value>\``,
        },
      ];
    }
    return [];
  });
}
