import * as pulumi from "@pulumi/pulumi";
import * as consumption from "@pulumi/azure-native/consumption";
import type { Namer } from "../naming/index.js";

export interface BudgetArgs {
  namer: Namer;
  /** The resource group the budget watches (its ARM id). */
  scope: pulumi.Input<string>;
  monthlyAmount: number;
  /** Percentages of the amount at which the receivers are told. */
  thresholdsPercent?: number[];
  emails: string[];
  actionGroupId: pulumi.Input<string>;
  /** Budgets start on the first of a month; the program passes today's date. */
  now?: Date;
}

/** First day of the month, UTC, as Azure's budget API wants it. */
export function monthStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().replace(".000Z", "Z");
}

/** A monthly cost budget on the estate's resource group, notifying at each threshold of actual cost. */
export class Budget extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;

  constructor(name: string, args: BudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:observability:Budget", name, {}, opts);
    if (!(args.monthlyAmount > 0)) throw new Error(`budget: monthlyAmount got ${args.monthlyAmount}; expected a positive amount`);
    const thresholds = args.thresholdsPercent ?? [80, 100];
    const budget = new consumption.Budget(
      `${name}-budget`,
      {
        budgetName: args.namer.name("budget"),
        scope: args.scope,
        amount: args.monthlyAmount,
        category: "Cost",
        timeGrain: "Monthly",
        timePeriod: { startDate: monthStart(args.now ?? new Date()) },
        notifications: Object.fromEntries(
          thresholds.map((percent) => [
            `actual-${percent}-percent`,
            {
              enabled: true,
              operator: "GreaterThanOrEqualTo",
              threshold: percent,
              thresholdType: "Actual",
              contactEmails: args.emails,
              contactGroups: [args.actionGroupId],
            },
          ]),
        ),
      },
      // The start date is fixed when the budget is created; later runs must not move it.
      { parent: this, ignoreChanges: ["timePeriod"] },
    );
    this.id = budget.id;
    this.registerOutputs({ id: this.id });
  }
}
