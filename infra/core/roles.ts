import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { stableGuid } from "./guid.js";
import type { RoleAssignmentArgs } from "./args.js";

/**
 * Built-in Azure RBAC role definition ids (they are the same in every tenant).
 * Source: Azure built-in roles reference.
 */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
  "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
  "Azure Service Bus Data Owner": "090c5cfd-751d-490a-894a-3ce6f1109419",
  "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
  "Redis Cache Contributor": "e0f68234-74aa-48ed-b826-c38b57376e17",
  // Platform services' data planes, the roles the manifest's search, openAi, signalR, webPubSub and
  // appConfig bindings grant; ids as listed in https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
  // (AI + machine learning: Search Index Data Reader/Contributor, Cognitive Services OpenAI User;
  // Web and mobile: SignalR App Server, Web PubSub Service Owner; Integration: App Configuration Data Reader).
  "Search Index Data Reader": "1407120a-92aa-4202-b7e9-c0e197c71c8f",
  "Search Index Data Contributor": "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
  "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
  "SignalR App Server": "420fcaa2-552c-430f-98ca-3264be4806c7",
  "Web PubSub Service Owner": "12cf5a90-567b-43ae-8102-96cf46c7d9b4",
  "App Configuration Data Reader": "516239f1-63e1-4d78-a4de-a74fb236a071",
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
  "Azure Kubernetes Service Cluster User Role": "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
  "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
};

export function roleDefinitionId(role: string): pulumi.Output<string> {
  const guid = BUILT_IN_ROLES[role];
  if (!guid) {
    throw new Error(`unknown role "${role}"; known roles: ${Object.keys(BUILT_IN_ROLES).join(", ")}`);
  }
  return authorization
    .getClientConfigOutput()
    .apply((c) => `/subscriptions/${c.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`);
}

/** Assigns each role on `scope`; the assignment's GUID name is derived from scope, role and key. */
export function assignRoles(
  owner: pulumi.Resource,
  ownerName: string,
  scope: pulumi.Input<string>,
  assignments: RoleAssignmentArgs[] | undefined,
): authorization.RoleAssignment[] {
  return (assignments ?? []).map(
    (a) =>
      new authorization.RoleAssignment(
        `${ownerName}-${a.key}-${a.role.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
        {
          scope,
          principalId: a.principalId,
          principalType: a.principalType ?? "ServicePrincipal",
          roleDefinitionId: roleDefinitionId(a.role),
          roleAssignmentName: pulumi.output(scope).apply((s) => stableGuid(s, a.role, a.key)),
        },
        { parent: owner },
      ),
  );
}
