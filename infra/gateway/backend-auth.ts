import * as pulumi from "@pulumi/pulumi";
// Only the three classes used: the offline plan loads what it imports, and the package index
// would load much more.
import { AppRoleAssignment } from "@pulumi/azuread/appRoleAssignment";
import { Application } from "@pulumi/azuread/application";
import { ServicePrincipal } from "@pulumi/azuread/servicePrincipal";
import * as web from "@pulumi/azure-native/web";
import { HEALTH_PATH } from "../core/health.js";

/** The app role the gateway's identity holds on each backend's registration. */
export const GATEWAY_ROLE = {
  value: "Gateway.Invoke",
  // Fixed: a role's id must stay the same for the assignments made to it.
  id: "5c9c1d3e-2f0a-4d8e-9b6a-3e7f1a2b4c5d",
} as const;

export interface BackendAuthArgs {
  /** The app's Azure name: the registration's display name and the last segment of its URI. */
  appName: pulumi.Input<string>;
  /** The Entra tenant the registration lives in: the one the gateway's identity gets tokens from. */
  tenantId: pulumi.Input<string>;
  /** Owners of the registration and its service principal: the deploying identity keeps managing them. */
  owners: pulumi.Input<string>[];
}

/**
 * The Entra app registration a hosted app is known by when the gateway calls it: single tenant,
 * application ID URI `api://<tenant>/<app name>` (the audience of the gateway's managed-identity
 * token, `authentication-managed-identity`), one application role, and a service principal that
 * issues tokens only to principals assigned that role. `admitOnly` then lets one identity in.
 */
export class BackendAuth extends pulumi.ComponentResource {
  /** The application ID URI: what the gateway asks a token for, and the app accepts as audience. */
  readonly identifierUri: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  private readonly servicePrincipal: ServicePrincipal;
  private readonly roleId: pulumi.Output<string>;
  private readonly tenantId: pulumi.Input<string>;
  private readonly name: string;

  constructor(name: string, args: BackendAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:gateway:BackendAuth", name, {}, opts);
    this.name = name;
    this.tenantId = args.tenantId;
    const application = new Application(
      `${name}-registration`,
      {
        displayName: args.appName,
        signInAudience: "AzureADMyOrg",
        identifierUris: [pulumi.interpolate`api://${args.tenantId}/${args.appName}`],
        owners: args.owners,
        appRoles: [
          {
            id: GATEWAY_ROLE.id,
            value: GATEWAY_ROLE.value,
            allowedMemberTypes: ["Application"],
            displayName: "Gateway invoke",
            description: "Call the app through API Management",
            enabled: true,
          },
        ],
      },
      { parent: this },
    );
    this.servicePrincipal = new ServicePrincipal(
      `${name}-principal`,
      { clientId: application.clientId, appRoleAssignmentRequired: true, owners: args.owners },
      { parent: this },
    );
    // Read back from the registration, so whatever uses them waits for it to exist.
    this.identifierUri = application.identifierUris.apply((uris) => {
      if (!uris?.[0]) throw new Error(`${name}: the app registration has no identifier URI`);
      return uris[0];
    });
    this.roleId = application.appRoleIds.apply((ids) => ids[GATEWAY_ROLE.value]);
    this.clientId = application.clientId;
    this.registerOutputs({ identifierUri: this.identifierUri, clientId: this.clientId });
  }

  /**
   * Grants `principalId` the registration's role: the only principal Entra issues tokens for this
   * app to. For a host without App Service authentication (a container app), the service itself
   * checks the token's audience.
   */
  grantGateway(principalId: pulumi.Input<string>, key = ""): AppRoleAssignment {
    return new AppRoleAssignment(
      `${this.name}-gateway-role${key}`,
      { appRoleId: this.roleId, principalObjectId: principalId, resourceObjectId: this.servicePrincipal.objectId },
      { parent: this },
    );
  }

  /**
   * Only `principalId` may call the app: it is granted the role, and App Service authentication
   * answers every other request with a 401 (the health path stays open for probes). No client
   * secret: the app only validates tokens, it never signs anyone in.
   */
  admitOnly(
    principalId: pulumi.Input<string>,
    site: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string> },
  ): web.WebAppAuthSettingsV2 {
    this.grantGateway(principalId);
    return this.admit(principalId, site);
  }

  /**
   * App Service authentication on one more app of the same service (another region's copy):
   * only `principalId`, already granted the role, may call it. `key` tells its resources apart.
   */
  admit(
    principalId: pulumi.Input<string>,
    site: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string> },
    key = "",
  ): web.WebAppAuthSettingsV2 {
    return new web.WebAppAuthSettingsV2(
      `${this.name}-app-auth${key}`,
      {
        name: site.name,
        resourceGroupName: site.resourceGroupName,
        platform: { enabled: true },
        globalValidation: {
          requireAuthentication: true,
          unauthenticatedClientAction: "Return401",
          excludedPaths: [HEALTH_PATH],
        },
        httpSettings: { requireHttps: true },
        identityProviders: {
          azureActiveDirectory: {
            enabled: true,
            registration: {
              clientId: this.clientId,
              openIdIssuer: pulumi.interpolate`https://sts.windows.net/${this.tenantId}/v2.0`,
            },
            validation: {
              allowedAudiences: [this.identifierUri],
              defaultAuthorizationPolicy: { allowedPrincipals: { identities: [principalId] } },
            },
          },
        },
        login: { tokenStore: { enabled: false } },
      },
      { parent: this },
    );
  }
}
