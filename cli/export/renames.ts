import type { Renames } from "./shape.js";

/**
 * azure-native input names that the REST specs renamed with `x-ms-client-name`, so that neither
 * the ARM name nor a change of case and punctuation leads back to ARM's (`applicationType` ->
 * `Application_Type` and `odataType` -> `odata.type` are found by the shaper without a list).
 * Sources: the REST specs named per entry, github.com/Azure/azure-rest-api-specs.
 */
const ARM_RENAMES: Readonly<Record<string, Renames>> = {
  // specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json:
  // StorageAccountPropertiesCreateParameters.networkAcls is "networkRuleSet", .supportsHttpsTrafficOnly
  // is "EnableHttpsTrafficOnly".
  "Microsoft.Storage/storageAccounts": {
    networkRuleSet: "networkAcls",
    enableHttpsTrafficOnly: "supportsHttpsTrafficOnly",
  },
  // specification/applicationinsights/resource-manager/Microsoft.Insights/stable/2022-06-15/webTests_API.json:
  // WebTestProperties.Name is "WebTestName" and .Kind is "WebTestKind" in the client; azure-native
  // takes the resource's name (`webTestName`) for both the URL and the body's Name;
  // WebTestGeolocation.Id is "Location".
  "Microsoft.Insights/webtests": { webTestName: "Name", webTestKind: "Kind", "Locations.location": "Id" },
};

/** The renames of an ARM type (types compare case-insensitively, as ARM compares them). */
export function renamesOf(armType: string): Renames {
  return Object.entries(ARM_RENAMES).find(([type]) => type.toLowerCase() === armType.toLowerCase())?.[1] ?? {};
}
