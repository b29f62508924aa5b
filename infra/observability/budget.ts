import * as pulumi from "@pulumi/pulumi";
import * as consumption from "@pulumi/azure-native/consumption";
import type { Namer } from "../naming/index.js";

export interface BudgetArgs {
  /** Names the budget. */
  namer: Namer;
  /** The resource group the budget watches (its ARM id). */
  scope: pulumi.Input<string>;
  /** The budget per calendar month, in the billing currency of the subscription (e.g. USD). */
  monthlyAmount: number;
  /** Percentages of the amount at which the receivers are told, of actual spend (default 80 and 100). */
  thresholdsPercent?: number[];
  /** Percentages of the amount that, once Azure's forecast for the month reaches one, tell the receivers ahead of the spend. */
  forecastPercent?: number[];
  /** Who is emailed at each threshold. */
  emails: string[];
  /** Resource id of the action group also notified at each threshold. */
  actionGroupId: pulumi.Input<string>;
  /** Budgets start on the first of a month; the program passes today's date. */
  now?: Date;
}

/** First day of the month, UTC, as Azure's budget API wants it. */
export function monthStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().replace(".000Z", "Z");
}

/**
 * Azure takes at most 5 notifications per budget, each at 0.01-1000 % of the amount
 * (https://learn.microsoft.com/azure/templates/microsoft.consumption/budgets).
 */
export const BUDGET_LIMITS = { notifications: 5, minPercent: 0.01, maxPercent: 1000 };

export function budgetNotificationProblems(percents: number[]): string[] {
  const { notifications, minPercent, maxPercent } = BUDGET_LIMITS;
  return [
    ...(percents.length > notifications
      ? [`${percents.length} notifications; Azure allows ${notifications} per budget`]
      : []),
    ...percents
      .filter((p) => !(p >= minPercent && p <= maxPercent))
      .map((p) => `a threshold of ${p} %; Azure takes ${minPercent}-${maxPercent} %`),
  ];
}

/** A monthly cost budget on the estate's resource group, notifying at each threshold of actual cost and of Azure's forecast. */
export class Budget extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;

  constructor(name: string, args: BudgetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:observability:Budget", name, {}, opts);
    if (!(args.monthlyAmount > 0))
      throw new Error(`budget: monthlyAmount got ${args.monthlyAmount}; expected a positive amount`);
    const notifications = [
      ...(args.thresholdsPercent ?? [80, 100]).map((percent) => ({ percent, type: "Actual" as const })),
      ...(args.forecastPercent ?? []).map((percent) => ({ percent, type: "Forecasted" as const })),
    ];
    const problems = budgetNotificationProblems(notifications.map((n) => n.percent));
    if (problems.length) throw new Error(`budget: ${problems.join("; ")}`);
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
          notifications.map(({ percent, type }) => [
            `${type.toLowerCase()}-${percent}-percent`,
            {
              enabled: true,
              operator: "GreaterThanOrEqualTo",
              threshold: percent,
              thresholdType: type,
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
