import * as pulumi from "@pulumi/pulumi";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import type { BaseArgs } from "../core/args.js";
import { actionGroup, type Receivers } from "../observability/alerts.js";

/**
 * The Key Vault events that remind: SecretNearExpiry fires 30 days before a secret's current
 * version expires, SecretExpired when it has
 * (https://learn.microsoft.com/azure/event-grid/event-schema-key-vault).
 */
export const EXPIRY_EVENTS = ["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired"];

export interface SecretReminder {
  /** The Key Vault secret's name (the events' subject). */
  secret: string;
  /** Who is reminded, in an action group of the secret's own; absent: the estate's action group. */
  receivers?: Receivers;
}

/** Reminders need no lock or role assignments, and an Event Grid system topic sends no diagnostics the estate reads. */
export interface SecretExpiryRemindersArgs extends Omit<BaseArgs, "diagnostics" | "lock"> {
  /** Resource id of the Key Vault whose expiry events are watched (the Event Grid system topic's source). */
  vaultId: pulumi.Input<string>;
  /** The secrets to remind about, each with its receivers. */
  reminders: SecretReminder[];
  /** The estate's action group: where a secret without receivers of its own is reminded. */
  actionGroupId: pulumi.Input<string>;
  /** Azure Monitor severity of the alert each event raises: 0 critical ... 4 verbose. */
  severity: number;
}

/**
 * Rotation reminders for a Key Vault: its Event Grid system topic, and per secret one subscription to
 * the expiry events of that secret only, raised as Azure Monitor alerts to the given action groups
 * (https://learn.microsoft.com/azure/event-grid/handler-azure-monitor-alerts: Monitor alerts take
 * events of Key Vault system topics, in the CloudEvents 1.0 schema): the estate's action group, or
 * one of the secret's own. It reminds; it rotates nothing.
 */
export class SecretExpiryReminders extends pulumi.ComponentResource {
  readonly topicId: pulumi.Output<string>;

  constructor(name: string, args: SecretExpiryRemindersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:secrets:SecretExpiryReminders", name, {}, opts);
    const { resourceGroupName, location, namer } = args;
    if (!Number.isInteger(args.severity) || args.severity < 0 || args.severity > 4) {
      throw new Error(`secret reminders: severity got ${args.severity}; expected 0 (critical) to 4 (verbose)`);
    }

    // One system topic per source resource: Azure refuses a second on the same vault.
    const topic = new eventgrid.SystemTopic(
      `${name}-topic`,
      {
        systemTopicName: namer.name("eventGridSystemTopic", "kv"),
        resourceGroupName,
        location,
        source: args.vaultId,
        topicType: "Microsoft.KeyVault.vaults",
      },
      { parent: this },
    );
    this.topicId = topic.id;

    for (const { secret, receivers } of args.reminders) {
      const group = receivers
        ? actionGroup(
            `${name}-${secret}-ag`,
            { resourceGroupName, namer, receivers, qualifier: `kv-${secret}` },
            { parent: this },
          ).id
        : args.actionGroupId;
      new eventgrid.SystemTopicEventSubscription(
        `${name}-${secret}`,
        {
          eventSubscriptionName: namer.name("eventSubscription", secret),
          systemTopicName: topic.name,
          resourceGroupName,
          eventDeliverySchema: "CloudEventSchemaV1_0",
          filter: {
            includedEventTypes: EXPIRY_EVENTS,
            // The subject of a Key Vault event is the secret's name: exactly this one.
            advancedFilters: [{ operatorType: "StringIn", key: "subject", values: [secret] }],
          },
          destination: {
            endpointType: "MonitorAlert",
            actionGroups: [group],
            severity: `Sev${args.severity}`,
            description: `Key Vault secret ${secret} expires within 30 days or has expired: supply a new value and expiry in the stack config and run the estate again.`,
          },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ topicId: this.topicId });
  }
}
