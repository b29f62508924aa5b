import { describe, expect, it } from "vitest";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { EXPIRY_EVENTS, SecretExpiryReminders, type SecretExpiryRemindersArgs } from "./reminders.js";

const VAULT = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.KeyVault/vaults/kv-test";
const ESTATE_GROUP = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Insights/actionGroups/ag-test";
const ARGS: SecretExpiryRemindersArgs = {
  ...BASE,
  vaultId: VAULT,
  actionGroupId: ESTATE_GROUP,
  severity: 2,
  reminders: [
    { secret: "youtube-api-key" },
    { secret: "oauth-client-secret", receivers: { emails: ["identity@contoso.com"], webhooks: [] } },
  ],
};

describe("SecretExpiryReminders", () => {
  it("subscribes to each secret's expiry events on the vault's system topic, alerting its action group", async () => {
    const plan = await planComponents(() => void new SecretExpiryReminders("reminders", ARGS));
    const topic = oneOfType(plan, "azure-native:eventgrid:SystemTopic");
    expect(topic.inputs).toMatchObject({
      source: VAULT,
      topicType: "Microsoft.KeyVault.vaults",
      location: BASE.location,
    });
    const own = oneOfType(plan, "azure-native:monitor:ActionGroup");
    expect((own.inputs.emailReceivers as Array<{ emailAddress: string }>).map((r) => r.emailAddress)).toEqual([
      "identity@contoso.com",
    ]);
    const subscriptions = ofType(plan, "azure-native:eventgrid:SystemTopicEventSubscription");
    expect(subscriptions.map((s) => [s.physicalName, (s.inputs.destination as any).actionGroups[0]])).toEqual([
      ["evgs-youtube-api-key", ESTATE_GROUP],
      ["evgs-oauth-client-secret", own.outputs.id],
    ]);
    for (const subscription of subscriptions) {
      expect(subscription.inputs).toMatchObject({
        systemTopicName: topic.physicalName,
        eventDeliverySchema: "CloudEventSchemaV1_0",
        filter: { includedEventTypes: EXPIRY_EVENTS },
        destination: { endpointType: "MonitorAlert", severity: "Sev2" },
      });
    }
  });

  it("refuses an impossible severity", async () => {
    await expect(
      planComponents(() => void new SecretExpiryReminders("reminders", { ...ARGS, severity: 9 })),
    ).rejects.toThrow(/severity got 9/);
  });
});
