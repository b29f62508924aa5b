import type { Report } from "./area.js";
import type { EstateConfig } from "./schema.js";

/** Loose email shape: enough to tell an address from a team name in `estate:owner`. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The owner, when it is an email address: who is contacted when the stack names nobody else. */
function ownerEmail(config: EstateConfig): string | undefined {
  return EMAIL.test(config.owner) ? config.owner : undefined;
}

/** API Management's publisher email: the gateway setting, else the owner when it is one. */
export function publisherEmail(config: EstateConfig): string | undefined {
  return config.gateway.publisherEmail ?? ownerEmail(config);
}

/** Who is emailed when an alert fires: the configured addresses, else (with no webhook either) the owner when it is one. */
export function alertEmails(config: EstateConfig): string[] | undefined {
  const { emails, webhooks } = config.observability.alerts;
  if (emails.length || webhooks.length) return emails;
  const owner = ownerEmail(config);
  return owner ? [owner] : undefined;
}

/** The contacts the estate needs and has no one for: checked with the config, before anything is declared. */
export function checkContacts(config: EstateConfig, report: Report): void {
  const owner = JSON.stringify(config.owner);
  if (config.gateway.sku !== "none" && !publisherEmail(config))
    report(
      ["gateway", "publisherEmail"],
      `not set, and estate:owner ${owner} is not an email address; API Management needs a publisher email`,
    );
  if (!alertEmails(config))
    report(
      ["observability", "alerts", "emails"],
      `empty, with no webhooks, and estate:owner ${owner} is not an email address; alerts would reach nobody`,
    );
}
