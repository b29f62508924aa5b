import * as pulumi from "@pulumi/pulumi";
// Submodules only: the package root loads every Kubernetes API group (a tenth of a plan's start-up).
import * as apiextensions from "@pulumi/kubernetes/apiextensions";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as autoscaling from "@pulumi/kubernetes/autoscaling/v2";
import * as core from "@pulumi/kubernetes/core/v1";
import * as networking from "@pulumi/kubernetes/networking/v1";
import * as policy from "@pulumi/kubernetes/policy/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { BaseArgs } from "../core/args.js";
import { refuseArgs, type ArgProblem } from "./cluster.js";

/** Kubernetes object names: DNS-1123 labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The audience Entra ID expects on a federated Kubernetes token (https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster). */
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** Env names that say they hold a credential: with workload identity the app needs none, or reads it from Key Vault. */
const SECRET_ENV = /(password|secret|key|token|connectionstring|credential)/i;
/** What a Kubernetes Secret's key and a container's env var may be named (https://kubernetes.io/docs/concepts/configuration/secret/). */
const ENV_NAME = /^[-._a-zA-Z0-9]+$/;
/**
 * Key Vault secret names: 1-127 letters, digits and dashes (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning).
 * Manifests are held to the same rule in services/names.ts, which infra/ may not import.
 */
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
/** The CSI driver's name for the Secrets Store volumes (https://secrets-store-csi-driver.sigs.k8s.io/). */
const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";

export interface WorkloadArgs extends Pick<BaseArgs, "resourceGroupName"> {
  /** The cluster the objects go to (AksCluster.provider). */
  provider: Provider;
  /** The cluster's OIDC issuer: the workload identity's federated credential trusts its tokens. */
  oidcIssuerUrl: pulumi.Input<string>;
  /**
   * The user-assigned identity the pods act as (workload identity): its `name`, which the federated
   * credential is made on, and its `clientId`, which the service account names. Grant it the app's data roles.
   */
  identity: { name: pulumi.Input<string>; clientId: pulumi.Input<string> };
  /** The app's name: its namespace, Deployment, Service, HPA and service account. */
  name: string;
  /** Full image reference in the estate's registry, e.g. `acrx.azurecr.io/api:1.4.2`. */
  image: pulumi.Input<string>;
  /** The port the container listens on; the Service serves it on 80. */
  port: number;
  /** Readiness and liveness probe path. */
  healthPath: string;
  /**
   * The HorizontalPodAutoscaler: `min` and `max` replicas (at least 2, so a node loss or a rollout
   * keeps one serving) and the `cpuUtilization` target in percent of the CPU request.
   */
  replicas: { min: number; max: number; cpuUtilization: number };
  /** Requests per pod in Kubernetes quantities, `cpu` (e.g. `250m`) and `memory` (e.g. `512Mi`); the memory limit equals the request. */
  resources: { cpu: string; memory: string };
  /** Environment variables of the container; absent: none. */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * Key Vault secrets the container gets as env vars (`env`: the env var's name to the secret's),
   * read from the vault `vaultName` of the Entra tenant `tenantId` with the workload identity by the
   * Secrets Store CSI driver (the cluster's keyVaultSecrets), which syncs them into a Kubernetes
   * Secret the env vars reference. The identity needs Key Vault Secrets User on each.
   */
  keyVaultSecrets?: { vaultName: pulumi.Input<string>; tenantId: pulumi.Input<string>; env: Record<string, string> };
  /** What the pods need before they start, beside the federated credential: the identity's Key Vault grants. */
  dependsOn?: pulumi.Resource[];
  /** `internal`: an internal Azure load balancer in the VNet; `cluster`: reachable inside the cluster only. */
  exposure: "internal" | "cluster";
}

/** The args appProblems reads: stacks/services.ts checks the same on each manifest the cluster hosts. */
export type CheckedAppArgs = Pick<WorkloadArgs, "name" | "port" | "healthPath" | "env"> & {
  keyVaultSecrets?: Pick<NonNullable<WorkloadArgs["keyVaultSecrets"]>, "env">;
};

/** Problems with the replica range and its CPU target, which a stack sets for every app of its cluster. */
export function replicaProblems({ min, max, cpuUtilization }: WorkloadArgs["replicas"]): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const problem = (path: string[], message: string) => problems.push({ path, message });
  if (!Number.isInteger(min) || min < 2)
    problem(
      ["replicas", "min"],
      `got ${min}; at least 2 replicas keep the app serving through a node loss or a rollout`,
    );
  if (!Number.isInteger(max) || max < min)
    problem(["replicas", "max"], `got ${max}; expected a whole number of at least replicas.min (${min})`);
  if (!(cpuUtilization > 0 && cpuUtilization <= 100))
    problem(["replicas", "cpuUtilization"], `got ${cpuUtilization}; expected a percentage between 1 and 100`);
  return problems;
}

/** Problems with what the app brings itself (its name, port, health path and env names), which a service's manifest gives. */
export function appProblems(args: CheckedAppArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const problem = (path: string[], message: string) => problems.push({ path, message });
  if (!DNS_LABEL.test(args.name))
    problem(
      ["name"],
      `${JSON.stringify(args.name)} is not a DNS-1123 label (lowercase letters, digits and hyphens, at most 63)`,
    );
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535)
    problem(["port"], `${args.port} is not a TCP port`);
  if (!args.healthPath.startsWith("/"))
    problem(["healthPath"], `${JSON.stringify(args.healthPath)} must start with "/"`);
  for (const name of Object.keys(args.env ?? {})) {
    if (SECRET_ENV.test(name))
      problem(
        ["env", name],
        "looks like a credential: the app signs in with its workload identity, and reads a secret from Key Vault",
      );
  }
  for (const [name, secret] of Object.entries(args.keyVaultSecrets?.env ?? {})) {
    if (!ENV_NAME.test(name)) problem(["keyVaultSecrets", "env", name], "is not an environment variable name");
    if (!SECRET_NAME.test(secret))
      problem(["keyVaultSecrets", "env", name], `${JSON.stringify(secret)} is not a Key Vault secret name`);
    if (name in (args.env ?? {})) problem(["keyVaultSecrets", "env", name], "is also a plain env var");
  }
  return problems;
}

/**
 * One containerised app in an AKS cluster, applied in the same run as the cluster: a namespace,
 * the app's user-assigned identity federated with the namespace's service account (workload
 * identity: no secret in the cluster), a Deployment spread over zones and nodes with a hardened pod, a
 * Service, a HorizontalPodAutoscaler on CPU, a PodDisruptionBudget, a NetworkPolicy that
 * admits traffic to the app's port only, and, for Key Vault secrets, a SecretProviderClass.
 */
export class KubernetesWorkload extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:kubernetes:Workload", name, {}, opts);
    refuseArgs(`workload ${name}`, [...appProblems(args), ...replicaProblems(args.replicas)]);

    const app = args.name;
    const labels = { app, "app.kubernetes.io/managed-by": "estate" };
    const k8sOpts = { parent: this, provider: args.provider };

    const credential = new managedidentity.FederatedIdentityCredential(
      `${name}-fic`,
      {
        federatedIdentityCredentialResourceName: `${app}-service-account`,
        resourceName: args.identity.name,
        resourceGroupName: args.resourceGroupName,
        issuer: args.oidcIssuerUrl,
        subject: `system:serviceaccount:${app}:${app}`,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
      },
      { parent: this },
    );

    const namespace = new core.Namespace(`${name}-ns`, { metadata: { name: app, labels } }, k8sOpts);
    const metadata = { name: app, namespace: namespace.metadata.name, labels };
    const serviceAccount = new core.ServiceAccount(
      `${name}-sa`,
      { metadata: { ...metadata, annotations: { "azure.workload.identity/client-id": args.identity.clientId } } },
      k8sOpts,
    );

    const secrets =
      args.keyVaultSecrets &&
      this.secretsStore(name, app, namespace, args.identity.clientId, args.keyVaultSecrets, k8sOpts);
    const probe = { httpGet: { path: args.healthPath, port: args.port }, periodSeconds: 10 };
    const deployment = new apps.Deployment(
      `${name}-deploy`,
      {
        metadata,
        spec: {
          selector: { matchLabels: { app } },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            // The workload identity webhook injects the token only into pods that carry this label.
            metadata: { labels: { ...labels, "azure.workload.identity/use": "true" } },
            spec: {
              serviceAccountName: serviceAccount.metadata.name,
              automountServiceAccountToken: true,
              securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
              topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map(
                (topologyKey) => ({
                  maxSkew: 1,
                  topologyKey,
                  whenUnsatisfiable: "ScheduleAnyway",
                  labelSelector: { matchLabels: { app } },
                }),
              ),
              volumes: secrets ? [secrets.volume] : undefined,
              containers: [
                {
                  name: app,
                  image: args.image,
                  ports: [{ containerPort: args.port, name: "http" }],
                  env: [
                    ...Object.entries(args.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
                    ...(secrets?.env ?? []),
                  ],
                  volumeMounts: secrets ? [secrets.volumeMount] : undefined,
                  resources: {
                    requests: { cpu: args.resources.cpu, memory: args.resources.memory },
                    limits: { memory: args.resources.memory },
                  },
                  readinessProbe: probe,
                  livenessProbe: { ...probe, initialDelaySeconds: 10 },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                },
              ],
            },
          },
        },
      },
      // The autoscaler owns the replica count; pods exchange tokens only once the credential exists.
      { ...k8sOpts, dependsOn: [credential, ...(args.dependsOn ?? [])], ignoreChanges: ["spec.replicas"] },
    );

    const service = new core.Service(
      `${name}-svc`,
      {
        metadata: {
          ...metadata,
          // An internal load balancer takes a private IP of the node subnet, never a public one
          // (https://learn.microsoft.com/azure/aks/internal-lb).
          annotations:
            args.exposure === "internal"
              ? { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" }
              : undefined,
        },
        spec: {
          type: args.exposure === "internal" ? "LoadBalancer" : "ClusterIP",
          selector: { app },
          ports: [{ name: "http", port: 80, targetPort: args.port, protocol: "TCP" }],
        },
      },
      k8sOpts,
    );

    new autoscaling.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
          minReplicas: args.replicas.min,
          maxReplicas: args.replicas.max,
          metrics: [
            {
              type: "Resource",
              resource: {
                name: "cpu",
                target: { type: "Utilization", averageUtilization: args.replicas.cpuUtilization },
              },
            },
          ],
        },
      },
      k8sOpts,
    );
    // Voluntary disruptions (node upgrades, scale-down) keep all but one replica serving.
    new policy.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: { app } } } },
      k8sOpts,
    );
    // Cilium enforces it: only the app's port is reachable, from anywhere the Service is.
    new networking.NetworkPolicy(
      `${name}-netpol`,
      {
        metadata,
        spec: {
          podSelector: { matchLabels: { app } },
          policyTypes: ["Ingress"],
          ingress: [{ ports: [{ port: args.port, protocol: "TCP" }] }],
        },
      },
      k8sOpts,
    );

    this.namespace = namespace.metadata.name;
    this.serviceName = service.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      serviceName: this.serviceName,
    });
  }

  /**
   * The SecretProviderClass that has the CSI driver read the secrets with the workload identity
   * (https://learn.microsoft.com/azure/aks/csi-secrets-store-identity-access), and what the pod
   * needs to use it: the volume that mounts them (the driver fetches on mount), and env vars from
   * the Kubernetes Secret it syncs them into.
   */
  private secretsStore(
    name: string,
    app: string,
    namespace: core.Namespace,
    clientId: pulumi.Input<string>,
    { vaultName, tenantId, env }: NonNullable<WorkloadArgs["keyVaultSecrets"]>,
    opts: pulumi.CustomResourceOptions,
  ) {
    const synced = `${app}-key-vault`;
    const objects = [...new Set(Object.values(env))].sort();
    new apiextensions.CustomResource(
      `${name}-secrets`,
      {
        apiVersion: "secrets-store.csi.x-k8s.io/v1",
        kind: "SecretProviderClass",
        metadata: { name: app, namespace: namespace.metadata.name },
        spec: {
          provider: "azure",
          parameters: {
            usePodIdentity: "false",
            clientID: clientId,
            keyvaultName: vaultName,
            tenantId,
            // The provider's own format: a YAML array of YAML objects.
            objects: [
              "array:",
              ...objects.map((secret) => `  - |\n    objectName: ${secret}\n    objectType: secret`),
            ].join("\n"),
          },
          secretObjects: [
            {
              secretName: synced,
              type: "Opaque",
              data: Object.entries(env).map(([key, secret]) => ({ objectName: secret, key })),
            },
          ],
        },
      },
      opts,
    );
    return {
      volume: {
        name: "secrets-store",
        csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: app } },
      },
      volumeMount: { name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true },
      env: Object.keys(env).map((envName) => ({
        name: envName,
        valueFrom: { secretKeyRef: { name: synced, key: envName } },
      })),
    };
  }
}
