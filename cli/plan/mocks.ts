import { stableGuid } from "../../infra/core/guid.js";
import type * as pulumi from "@pulumi/pulumi";
import { catalogEntry } from "../../infra/catalog/index.js";

/** The offline subscription and tenant: recognisably fake, stable across runs. */
export const OFFLINE_SUBSCRIPTION = "00000000-0000-4000-8000-0000e57a7e00";
export const OFFLINE_TENANT = "00000000-0000-4000-8000-00000000e57a";

export interface ArmIdentity {
  id: string;
  /** Azure's name for the resource (the last segment of its id). */
  physicalName: string;
}

/** The ARM id Azure would give this resource, built from the catalog's name segments. */
export function armIdentity(type: string, name: string, inputs: Record<string, any>): ArmIdentity {
  const entry = catalogEntry(type);
  const group = inputs.resourceGroupName ?? "unknown-rg";
  if (!entry) {
    // Unknown to the catalog: a plausible id so the plan still runs; the plan marks the type unknown.
    const [, module = "unknown", kind = "resource"] = type.split(":");
    return {
      id: `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/${group}/providers/${module}/${kind}/${name}`,
      physicalName: name,
    };
  }
  if (!entry.arm) return { id: stableGuid(type, name), physicalName: name };
  const names = entry.names.map((input, i) =>
    input.startsWith("=") ? input.slice(1) : String(inputs[input] ?? (i === entry.names.length - 1 ? name : "unknown")),
  );
  const physicalName = names[names.length - 1] ?? name;
  if (entry.arm === "Microsoft.Resources/resourceGroups") {
    return { id: `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/${physicalName}`, physicalName };
  }
  const [namespace, ...types] = entry.arm.split("/");
  const [provider] = [`${namespace}/${types.shift()}`];
  const path = [`${provider.split("/")[1]}/${names[0]}`, ...types.map((t, i) => `${t}/${names[i + 1]}`)].join("/");
  const scope = entry.scopeInput
    ? String(inputs[entry.scopeInput] ?? `/subscriptions/${OFFLINE_SUBSCRIPTION}`)
    : `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/${group}`;
  return { id: `${scope}/providers/${namespace}/${path}`, physicalName };
}

/**
 * Pulumi mocks that answer like Azure: ARM-shaped ids, the resource's own name, and the outputs
 * the catalog says Azure computes, so outputs flow between components as they would in Azure.
 */
export const armMocks: pulumi.runtime.Mocks = {
  newResource({ type, name, inputs, custom }) {
    // Components are Pulumi-only groupings: Azure never sees them.
    if (custom === false) return { id: undefined, state: {} };
    const { id, physicalName } = armIdentity(type, name, inputs);
    const computed = catalogEntry(type)?.outputs?.({
      name: physicalName,
      id,
      inputs,
      guid: (purpose) => stableGuid(id, purpose),
    });
    return { id, state: { ...inputs, name: physicalName, ...computed } };
  },
  call({ token, inputs: args }) {
    if (token === "azure-native:authorization:getClientConfig") {
      return {
        clientId: stableGuid("client"),
        objectId: stableGuid("object"),
        subscriptionId: OFFLINE_SUBSCRIPTION,
        tenantId: OFFLINE_TENANT,
      };
    }
    if (token === "azure-native:containerservice:listManagedClusterUserCredentials") {
      return {
        kubeconfigs: [
          {
            name: "clusterUser",
            value: Buffer.from(offlineKubeconfig(args.resourceName, args.resourceGroupName)).toString("base64"),
          },
        ],
      };
    }
    if (token === "azure-native:web:listStaticSiteSecrets") {
      // A static site's deployment token: fake, and only ever passed on as a secret.
      return { properties: { apiKey: stableGuid("static-site-deployment-token", String(args.name)) } };
    }
    throw new Error(`the offline plan has no answer for ${token}; add it to cli/plan/mocks.ts`);
  },
};

/**
 * The kubeconfig AKS returns for an Entra ID cluster with local accounts off: no credential, an
 * exec entry that has kubelogin fetch a token (the AKS server application's fixed id). Offline the
 * server is a name under `.invalid`, so nothing can reach it.
 */
function offlineKubeconfig(cluster: string, resourceGroup: string): string {
  const server = `https://${cluster}.offline.invalid:443`;
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters:\n- name: ${cluster}\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${Buffer.from("offline").toString("base64")}`,
    `contexts:\n- name: ${cluster}\n  context:\n    cluster: ${cluster}\n    user: clusterUser_${resourceGroup}_${cluster}`,
    `current-context: ${cluster}`,
    `users:\n- name: clusterUser_${resourceGroup}_${cluster}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, ${OFFLINE_TENANT}, --login, devicecode]\n      interactiveMode: IfAvailable`,
    "",
  ].join("\n");
}
