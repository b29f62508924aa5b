import type { CatalogEntry } from "./types.js";

/** Entra ID objects live in Microsoft Graph, not ARM: no ARM type, no tags, ids are object ids. */
const entra = (outputs: CatalogEntry["outputs"]): CatalogEntry => ({
  arm: "",
  apiVersion: "",
  names: [],
  taggable: false,
  outputs,
});

/** Each app role's id by its value, as Graph reports them on the registration and its principal. */
const appRoleIds = (roles: unknown) =>
  Object.fromEntries(
    ((roles as Array<{ value?: string; id: string }> | undefined) ?? [])
      .filter((r) => r.value)
      .map((r) => [r.value, r.id]),
  );

export const entraTypes: Record<string, CatalogEntry> = {
  "azuread:index/application:Application": entra(({ guid, inputs }) => ({
    clientId: guid("client"),
    objectId: guid("object"),
    appRoleIds: appRoleIds(inputs.appRoles),
  })),
  "azuread:index/servicePrincipal:ServicePrincipal": entra(({ guid, inputs }) => ({
    objectId: guid("object"),
    type: "Application",
    servicePrincipalNames: [inputs.clientId],
  })),
  "azuread:index/appRoleAssignment:AppRoleAssignment": entra(() => ({ principalType: "ServicePrincipal" })),
};
