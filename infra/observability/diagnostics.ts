import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import type { DiagnosticsArgs } from "../core/args.js";

/** Which of a resource's logs and metrics to send; both unless switched off. */
export interface DiagnosticsOptions {
  logs?: boolean;
  metrics?: boolean;
}

/**
 * Sends a resource's logs (all categories, which include the audit group) and metrics to the
 * estate's Log Analytics workspace. One helper, used by every component.
 */
export function sendDiagnostics(
  owner: pulumi.Resource,
  ownerName: string,
  resourceUri: pulumi.Input<string>,
  diagnostics: DiagnosticsArgs | undefined,
  options: DiagnosticsOptions = {},
): monitor.DiagnosticSetting | undefined {
  if (!diagnostics) return undefined;
  const { logs = true, metrics = true } = options;
  return new monitor.DiagnosticSetting(
    `${ownerName}-diag`,
    {
      name: "to-log-analytics",
      resourceUri,
      workspaceId: diagnostics.workspaceId,
      logs: logs ? [{ categoryGroup: "allLogs", enabled: true }] : [],
      metrics: metrics ? [{ category: "AllMetrics", enabled: true }] : [],
    },
    { parent: owner },
  );
}
