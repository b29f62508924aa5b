import * as pulumi from "@pulumi/pulumi";
import * as signalrservice from "@pulumi/azure-native/signalrservice";
import * as webpubsub from "@pulumi/azure-native/webpubsub";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { REALTIME_ROLE, realtimeProblems, refuseProblems, type RealtimeKind, type RealtimeSku } from "./limits.js";

export interface RealtimeArgs extends BaseArgs {
  /** Which service: SignalR Service or Web PubSub. */
  kind: RealtimeKind;
  /** Service tier: Standard_S1, Premium_P1 or Premium_P2. */
  sku: RealtimeSku;
  /** Capacity units: the counts each SKU allows are REALTIME_UNITS (infra/platform/limits.ts, with sources). */
  units: number;
  /** SignalR only: `Default` when an app server hosts the hubs, `Serverless` with Functions bindings. */
  serviceMode?: "Default" | "Serverless";
  /** Ask clients for a TLS client certificate. */
  clientCertificate: boolean;
  /** Where the service's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
}

/**
 * A SignalR Service or Web PubSub resource: Entra ID auth only (access keys and connection strings
 * off), no public network access, a private endpoint, a system identity and diagnostics.
 */
export class RealtimeService extends pulumi.ComponentResource {
  readonly kind: RealtimeKind;
  readonly serviceId: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  /** `https://<name>.service.signalr.net` or `https://<name>.webpubsub.azure.com` */
  readonly endpoint: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  private readonly name: string;

  constructor(name: string, args: RealtimeArgs, opts?: pulumi.ComponentResourceOptions) {
    refuseProblems(`${args.kind === "signalR" ? "SignalR Service" : "Web PubSub"} ${name}`, realtimeProblems(args));
    super("estate:platform:RealtimeService", name, {}, opts);
    this.name = name;
    this.kind = args.kind;
    const { resourceGroupName, location, namer } = args;
    const common = {
      resourceGroupName,
      location,
      sku: { name: args.sku, tier: args.sku.startsWith("Premium") ? "Premium" : "Standard", capacity: args.units },
      disableLocalAuth: true,
      disableAadAuth: false,
      publicNetworkAccess: "Disabled",
      tls: { clientCertEnabled: args.clientCertificate },
      identity: { type: "SystemAssigned" },
    };

    const service: signalrservice.SignalR | webpubsub.WebPubSub =
      args.kind === "signalR"
        ? new signalrservice.SignalR(
            `${name}-signalr`,
            {
              ...common,
              resourceName: namer.name("signalR"),
              kind: "SignalR",
              features: [{ flag: "ServiceMode", value: args.serviceMode ?? "Default" }],
            },
            { parent: this },
          )
        : new webpubsub.WebPubSub(
            `${name}-webpubsub`,
            { ...common, resourceName: namer.name("webPubSub") },
            { parent: this },
          );

    if (args.privateEndpoint) privateEndpoint(this, name, args, args.kind, service.id, args.privateEndpoint);
    applySharedArgs(this, name, service.id, args);

    this.serviceId = service.id;
    this.serviceName = service.name;
    this.endpoint = pulumi.interpolate`https://${service.hostName}`;
    this.principalId = service.identity.apply((identity) => identity?.principalId ?? "");
    this.registerOutputs({ serviceId: this.serviceId, endpoint: this.endpoint });
  }

  /** The role an app server needs on this kind of service (see REALTIME_ROLE). */
  grantDataAccess(
    key: string,
    principalId: pulumi.Input<string>,
    role: (typeof REALTIME_ROLE)[RealtimeKind] = REALTIME_ROLE[this.kind],
  ) {
    if (role !== REALTIME_ROLE[this.kind])
      throw new Error(`${this.name}: ${role} is not a ${this.kind} role; use ${REALTIME_ROLE[this.kind]}`);
    return assignRoles(this, this.name, this.serviceId, [{ role, principalId, key }])[0];
  }
}
