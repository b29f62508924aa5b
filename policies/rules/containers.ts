import { ENFORCE, REMOVE, type GraphResource, type Rule } from "../model.js";
import { T } from "../types.js";
import {
  asArray,
  asRecord,
  customRule,
  get,
  inputRule,
  is,
  isText,
  present,
  show,
  stackRule,
  unsetOr,
} from "./factory.js";
import { ofType, refersTo } from "./graph.js";
import { managedIdentity } from "./identity.js";

const isPremium = (inputs: Record<string, unknown>) => isText("Premium").test(get(inputs, "sku.name"));

/** Container registries, Container Apps environments and container apps. */
export const containerRules: Rule[] = [
  inputRule({
    id: "EST-ACR-001",
    title: "Registries have no admin user",
    description:
      "The admin user is one shared password with push rights; pulls and pushes go through Entra ID roles (AcrPull, AcrPush).",
    severity: "high",
    types: [T.containerRegistry],
    path: "adminUserEnabled",
    expect: unsetOr(is(false)),
    bad: true,
    // PSRule Azure.ACR.AdminUser (hasDefault false) and Checkov CKV_AZURE_137: absent is Azure's default, off.
    pass: [{ adminUserEnabled: REMOVE }],
    controls: { mcsb: ["IM-1", "PA-1"], waf: "Security" },
    mappings: { psrule: ["Azure.ACR.AdminUser"], checkov: ["CKV_AZURE_137"] },
    remediation:
      "Set `adminUserEnabled: false` on the Registry and grant AcrPull / AcrPush to identities (ContainerRegistry.grantPull).",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ACR-002",
    title: "Registries refuse anonymous pulls",
    description:
      "Every pull is by an authenticated identity; anonymous pull exposes every image to anyone who can reach the registry.",
    severity: "high",
    types: [T.containerRegistry],
    path: "anonymousPullEnabled",
    expect: unsetOr(is(false)),
    bad: true,
    // PSRule Azure.ACR.AnonymousAccess and Checkov CKV_AZURE_138 judge Standard and Premium only (Basic cannot
    // enable it); Estate judges every SKU, which changes nothing a deployment could do.
    fail: [{ anonymousPullEnabled: true, "sku.name": "Standard" }],
    pass: [{ anonymousPullEnabled: REMOVE }],
    controls: { mcsb: ["IM-1", "NS-2"], waf: "Security" },
    mappings: { psrule: ["Azure.ACR.AnonymousAccess"], checkov: ["CKV_AZURE_138"] },
    remediation: "Set `anonymousPullEnabled: false` on the Registry.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-ACR-003",
    title: "Production registries are private",
    description:
      "Public network access is off (Premium only): images are pulled through the registry's private endpoint.",
    severity: "high",
    types: [T.containerRegistry],
    check: (inputs) =>
      isText("Disabled").test(inputs.publicNetworkAccess)
        ? undefined
        : `publicNetworkAccess is ${show(inputs.publicNetworkAccess)}; expected "Disabled" (sku Premium with a private endpoint)`,
    fail: [{ publicNetworkAccess: "Enabled" }, { publicNetworkAccess: REMOVE }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: { psrule: ["Azure.ACR.Firewall"], checkov: ["CKV_AZURE_139"] },
    remediation:
      'Use sku Premium with a `privateEndpoint` (ContainerRegistry), which sets `publicNetworkAccess: "Disabled"`.',
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-ACR-004",
    title: "Production registries are Premium",
    description: "Only Premium has private endpoints, zone redundancy, retention and export policies.",
    severity: "medium",
    types: [T.containerRegistry],
    path: "sku.name",
    expect: isText("Premium"),
    bad: "Basic",
    // PSRule Azure.ACR.MinSku accepts Standard; Estate's production registries need Premium's private endpoint: stricter.
    fail: [{ "sku.name": "Standard" }, { sku: REMOVE }],
    pass: [{ "sku.name": "premium" }],
    controls: { mcsb: ["NS-2"], waf: "Reliability" },
    mappings: { psrule: ["Azure.ACR.MinSku"] },
    remediation: 'Set `sku: { name: "Premium" }` on the Registry (estate: the registry SKU of the prod profile).',
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-ACR-005",
    title: "Production registries are zone redundant",
    description: "A zone outage does not stop image pulls, so apps can still scale and restart.",
    severity: "medium",
    types: [T.containerRegistry],
    check: (inputs) =>
      isText("Enabled").test(inputs.zoneRedundancy)
        ? undefined
        : `zoneRedundancy is ${show(inputs.zoneRedundancy)}; expected "Enabled" (Premium)`,
    // Checkov CKV_AZURE_233 fails only an explicit Disabled; absent is Azure's default, Disabled, so Estate fails it too: stricter.
    fail: [{ zoneRedundancy: "Disabled" }, { zoneRedundancy: REMOVE }],
    pass: [{ zoneRedundancy: "enabled" }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { checkov: ["CKV_AZURE_233"] },
    remediation: 'Set `zoneRedundancy: "Enabled"` on the Premium Registry (ContainerRegistry `zoneRedundant: true`).',
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-ACR-006",
    title: "Premium registries purge untagged manifests and keep their images in",
    description:
      "A retention policy removes untagged manifests; the export policy stops images leaving a private registry.",
    severity: "low",
    types: [T.containerRegistry],
    check: (inputs) => {
      if (!isPremium(inputs)) return undefined;
      const problems: string[] = [];
      if (!isText("enabled").test(get(inputs, "policies.retentionPolicy.status")))
        problems.push(
          `policies.retentionPolicy.status is ${show(get(inputs, "policies.retentionPolicy.status"))}; expected "enabled"`,
        );
      if (
        isText("Disabled").test(inputs.publicNetworkAccess) &&
        !isText("disabled").test(get(inputs, "policies.exportPolicy.status"))
      ) {
        problems.push(
          `policies.exportPolicy.status is ${show(get(inputs, "policies.exportPolicy.status"))}; expected "disabled" on a private registry`,
        );
      }
      return problems;
    },
    fail: [{ "policies.retentionPolicy.status": "disabled" }, { "policies.exportPolicy.status": "enabled" }],
    pass: [{ "sku.name": "Standard", policies: REMOVE, publicNetworkAccess: "Enabled" }],
    controls: { mcsb: ["DP-1"], waf: "Cost Optimization" },
    mappings: { psrule: ["Azure.ACR.Retention", "Azure.ACR.ExportPolicy"], checkov: ["CKV_AZURE_167"] },
    remediation:
      'Set `policies: { retentionPolicy: { status: "enabled", days: 7 }, exportPolicy: { status: "disabled" } }` on the Premium Registry.',
    enforcement: ENFORCE.advisory,
  }),

  customRule({
    id: "EST-CA-001",
    title: "Container Apps environments are internal",
    description:
      "An internal environment has no public address: its only inbound IP is an internal load balancer in the VNet.",
    severity: "critical",
    types: [T.containerEnvironment],
    // PSRule Azure.ContainerApp.PublicAccess: an environment outside a VNet (no infrastructure subnet), or without internal, is public.
    check: (inputs) => {
      if (!present.test(get(inputs, "vnetConfiguration.infrastructureSubnetId")))
        return "vnetConfiguration.infrastructureSubnetId is not set; an environment outside a VNet is public";
      const internal = get(inputs, "vnetConfiguration.internal");
      return is(true).test(internal) ? undefined : `vnetConfiguration.internal is ${show(internal)}; expected true`;
    },
    fail: [
      { vnetConfiguration: REMOVE },
      { "vnetConfiguration.internal": REMOVE },
      { "vnetConfiguration.internal": false },
      { "vnetConfiguration.infrastructureSubnetId": REMOVE },
    ],
    controls: { mcsb: ["NS-1", "NS-2"], waf: "Security" },
    mappings: { psrule: ["Azure.ContainerApp.PublicAccess"] },
    remediation:
      "Set `vnetConfiguration: { infrastructureSubnetId, internal: true }` on the ManagedEnvironment (ContainerAppsEnvironment does).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-CA-002",
    title: "Production Container Apps environments are zone redundant",
    description: "Replicas spread over the region's availability zones.",
    severity: "medium",
    types: [T.containerEnvironment],
    check: (inputs) => {
      if (inputs.zoneRedundant !== true) return `zoneRedundant is ${show(inputs.zoneRedundant)}; expected true`;
      return present.test(get(inputs, "vnetConfiguration.infrastructureSubnetId"))
        ? undefined
        : "vnetConfiguration.infrastructureSubnetId is not set; a zone-redundant environment needs a VNet subnet";
    },
    // PSRule Azure.ContainerApp.AvailabilityZone: absent is Azure's default, not zone redundant; zones need the VNet subnet.
    fail: [{ zoneRedundant: false }, { zoneRedundant: REMOVE }, { "vnetConfiguration.infrastructureSubnetId": REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.ContainerApp.AvailabilityZone"] },
    remediation: "Set `zoneRedundant: true` on the ManagedEnvironment (the `zoneRedundant` core key in prod).",
    enforcement: ENFORCE.prodOnly,
  }),
  stackRule({
    id: "EST-CA-003",
    title: "Container apps are not reachable from the internet",
    description:
      "External ingress is allowed only on an internal environment, where it means the VNet, not the internet.",
    severity: "critical",
    types: [T.containerApp],
    problemOf: (graph) => {
      const environments = ofType(graph, T.containerEnvironment);
      return (containerApp: GraphResource) => {
        if (get(containerApp.inputs, "configuration.ingress.external") !== true) return undefined;
        const environment = environments.find(
          (env) => refersTo(containerApp, "environmentId", env) || refersTo(containerApp, "managedEnvironmentId", env),
        );
        if (!environment)
          return "configuration.ingress.external is true and its managed environment is not in the stack: it may be public";
        return get(environment.inputs, "vnetConfiguration.internal") === true
          ? undefined
          : `configuration.ingress.external is true on environment ${environment.name}, which is not internal: the app is on the internet`;
      };
    },
    fail: [
      (graph) =>
        ofType(graph, T.containerEnvironment).forEach(
          (env) => (asRecord(env.inputs.vnetConfiguration).internal = false),
        ),
      (graph) => (graph.resources = graph.resources.filter((resource) => resource.type !== T.containerEnvironment)),
    ],
    pass: [
      (graph) =>
        ofType(graph, T.containerApp).forEach(
          (containerApp) => (asRecord(get(containerApp.inputs, "configuration.ingress")).external = false),
        ),
    ],
    controls: { mcsb: ["NS-1", "NS-2"], waf: "Security" },
    mappings: {},
    remediation:
      "Run the app on an internal environment (`vnetConfiguration.internal: true`), or set `configuration.ingress.external: false` for an app only its environment calls.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-CA-004",
    title: "Container apps refuse plain HTTP",
    description: "HTTP requests are redirected to HTTPS: ingress never allows insecure connections.",
    severity: "high",
    types: [T.containerApp],
    path: "configuration.ingress.allowInsecure",
    expect: unsetOr(is(false)),
    bad: true,
    // PSRule Azure.ContainerApp.Insecure: absent is Azure's default, false.
    pass: [{ "configuration.ingress.allowInsecure": REMOVE }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.ContainerApp.Insecure"] },
    remediation: "Set `configuration.ingress.allowInsecure: false` on the ContainerApp.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-CA-005",
    title: "Container apps have a managed identity",
    description: "Apps pull images and reach data with their own identity, never with keys or passwords.",
    severity: "high",
    types: [T.containerApp],
    check: (inputs) =>
      managedIdentity.test(get(inputs, "identity.type"))
        ? undefined
        : `identity.type is ${show(get(inputs, "identity.type"))}; expected ${managedIdentity.describe}`,
    fail: [{ identity: REMOVE }, { "identity.type": "None" }, { "identity.type": "NotAssigned" }],
    pass: [{ "identity.type": "SystemAssigned,UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: { psrule: ["Azure.ContainerApp.ManagedIdentity"] },
    remediation:
      'Set `identity: { type: "UserAssigned", userAssignedIdentities: [id] }` (or SystemAssigned) on the ContainerApp.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-CA-006",
    title: "Container apps pull images with a managed identity",
    description: "Registry credentials name an identity; no registry username and password secret.",
    severity: "high",
    types: [T.containerApp],
    check: (inputs) =>
      asArray(get(inputs, "configuration.registries"))
        .map(asRecord)
        .flatMap((registry, index) =>
          registry.passwordSecretRef !== undefined ||
          registry.username !== undefined ||
          !present.test(registry.identity)
            ? [
                `configuration.registries[${index}] (${show(registry.server)}) signs in with ${registry.passwordSecretRef !== undefined ? "a password" : "no identity"}; expected an identity and no username or password`,
              ]
            : [],
        ),
    fail: [
      {
        "configuration.registries[0].identity": REMOVE,
        "configuration.registries[0].username": "pull",
        "configuration.registries[0].passwordSecretRef": "registry-password",
      },
    ],
    controls: { mcsb: ["IM-1", "IM-3"], waf: "Security" },
    mappings: {},
    remediation:
      'Set `configuration.registries: [{ server, identity }]` (a user-assigned identity\'s id, or "system") and grant it AcrPull.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-CA-007",
    title: "Container app secrets are Key Vault references",
    description: "Secrets are read from Key Vault with the app's identity; none is stored as a value in the app.",
    severity: "critical",
    types: [T.containerApp],
    check: (inputs) =>
      asArray(get(inputs, "configuration.secrets"))
        .map(asRecord)
        .flatMap((secret) =>
          present.test(secret.keyVaultUrl) && secret.value === undefined
            ? []
            : [`secret ${show(secret.name)} holds a value; expected keyVaultUrl and identity`],
        ),
    fail: [{ "configuration.secrets[0].keyVaultUrl": REMOVE, "configuration.secrets[0].value": "hunter2" }],
    controls: { mcsb: ["IM-8", "DP-6"], waf: "Security" },
    mappings: {},
    remediation:
      "Declare each secret as `{ name, keyVaultUrl, identity }` in the ContainerApp's `configuration.secrets`.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-CA-008",
    title: "Container apps are probed for health",
    description: "Liveness and readiness probes restart stuck replicas and keep unready ones out of rotation.",
    severity: "medium",
    types: [T.containerApp],
    check: (inputs) =>
      asArray(get(inputs, "template.containers"))
        .map(asRecord)
        .flatMap((container) => {
          const types = asArray(container.probes).map((probe) => String(asRecord(probe).type));
          const missing = ["Liveness", "Readiness"].filter((type) => !types.includes(type));
          return missing.length
            ? [`template.containers ${show(container.name)} has no ${missing.join(" or ")} probe in probes`]
            : [];
        }),
    fail: [{ "template.containers[0].probes": [] }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation:
      "Give each container Liveness and Readiness `probes` with `httpGet` on the health path (ContainerApp does).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-CA-009",
    title: "Production container apps keep two replicas",
    description: "One replica is a single point of failure; two or more survive an instance or zone loss.",
    severity: "medium",
    types: [T.containerApp],
    check: (inputs) => {
      const min = get(inputs, "template.scale.minReplicas");
      return typeof min === "number" && min >= 2
        ? undefined
        : `template.scale.minReplicas is ${show(min)}; expected at least 2`;
    },
    fail: [{ "template.scale.minReplicas": 1 }, { "template.scale.minReplicas": REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.ContainerApp.MinReplicas"] },
    remediation:
      "Set `template.scale.minReplicas` to 2 or more on the ContainerApp (the service's minReplicas in prod).",
    enforcement: ENFORCE.prodOnly,
  }),
];
