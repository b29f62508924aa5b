// Data-plane clients. In Azure they authenticate with the app's managed identity (local auth is
// disabled on every data service); in development with the emulators' keys and connection strings.
import { CosmosClient, type Database } from "@azure/cosmos";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { ServiceBusClient } from "@azure/service-bus";
import { z } from "zod";
import { appEnvironment, setting, type SettingProblem } from "./config.js";

/** Settings every service that touches the data plane shares; the names are the app settings. */
export const dataSettings = {
  APP_ENV: appEnvironment.default("production"),
  COSMOS_ENDPOINT: setting.url(),
  COSMOS_DATABASE: setting.name(),
  /** Development only: the emulator's key. */
  COSMOS_KEY: z.string().min(1).optional(),
  BLOB_ENDPOINT: setting.url(),
  /** Development only: Azurite's connection string. */
  BLOB_CONNECTION_STRING: z.string().min(1).optional(),
  /** Identity-based connection, the Functions convention for the trigger's `connection: "SERVICEBUS"`. */
  SERVICEBUS__fullyQualifiedNamespace: z.string().min(1).optional(),
  /** Development only: the local broker's connection string (same `SERVICEBUS` connection name). */
  SERVICEBUS: z.string().min(1).optional(),
  DOCUMENTS_QUEUE: setting.name().default("document-processing"),
  /** Client id of a user-assigned managed identity; system-assigned when absent. */
  AZURE_CLIENT_ID: z.string().uuid("must be a client id (GUID)").optional(),
  APPLICATIONINSIGHTS_CONNECTION_STRING: setting.appInsights(),
};

export type DataConfig = z.infer<z.ZodObject<typeof dataSettings>>;

const developmentOnly = ["COSMOS_KEY", "BLOB_CONNECTION_STRING", "SERVICEBUS"] as const;

export function checkDataSettings(config: DataConfig): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (config.APP_ENV === "production") {
    for (const name of developmentOnly) {
      if (config[name] !== undefined)
        problems.push({
          setting: name,
          message: "keys and connection strings are not allowed in production; the app uses its managed identity",
        });
    }
  }
  if (!config.SERVICEBUS__fullyQualifiedNamespace && !config.SERVICEBUS) {
    problems.push({ setting: "SERVICEBUS__fullyQualifiedNamespace", message: "is required" });
  }
  return problems;
}

/** Container names are fixed by the service code and declared in its manifest. */
export const containers = {
  events: "events",
  idempotency: "idempotency",
  documents: "documents",
} as const;
export const BLOB_CONTAINER = "documents";

export interface DataClients {
  database: Database;
  blobs: ContainerClient;
  serviceBus: ServiceBusClient;
  close(): Promise<void>;
}

export function createDataClients(config: DataConfig): DataClients {
  let credential: TokenCredential | undefined;
  const identity = () =>
    (credential ??= new DefaultAzureCredential({ managedIdentityClientId: config.AZURE_CLIENT_ID }));

  const cosmos = config.COSMOS_KEY
    ? // The emulator cannot answer endpoint discovery with its own address, so pin the endpoint.
      new CosmosClient({
        endpoint: config.COSMOS_ENDPOINT,
        key: config.COSMOS_KEY,
        connectionPolicy: { enableEndpointDiscovery: false },
      })
    : new CosmosClient({ endpoint: config.COSMOS_ENDPOINT, aadCredentials: identity() });
  const blobService = config.BLOB_CONNECTION_STRING
    ? BlobServiceClient.fromConnectionString(config.BLOB_CONNECTION_STRING)
    : new BlobServiceClient(config.BLOB_ENDPOINT, identity());
  const serviceBus = config.SERVICEBUS
    ? new ServiceBusClient(config.SERVICEBUS)
    : new ServiceBusClient(config.SERVICEBUS__fullyQualifiedNamespace!, identity());

  return {
    database: cosmos.database(config.COSMOS_DATABASE),
    blobs: blobService.getContainerClient(BLOB_CONTAINER),
    serviceBus,
    async close() {
      await serviceBus.close();
      cosmos.dispose();
    },
  };
}
