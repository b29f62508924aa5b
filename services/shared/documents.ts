// The document record and processing message, shared by the API (writes them) and the worker.
import { z } from "zod";
import { tenantId } from "./auth.js";

export const documentStatuses = ["pending", "processed", "failed"] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

export interface DocumentRecord {
  id: string;
  tenantId: string;
  name: string;
  contentType: string;
  size: number;
  blobName: string;
  status: DocumentStatus;
  createdAt: string;
  updatedAt: string;
  /** Processing attempts so far, each recorded when it starts. */
  attempts: number;
  /** When the processing message was sent; absent, the outbox sweeper sends it. */
  queuedAt?: string;
  result?: { sha256: string; bytes: number; lines: number; processedAt: string };
  /** Why the last attempt failed, in words for the client (no SDK text); final once status is `failed`. */
  failure?: { reason: string; deliveryCount: number; deadLettered: boolean };
}

export const documentMessage = z.object({
  schema_version: z.literal(1),
  document_id: z.string().uuid(),
  tenant_id: tenantId,
});
export type DocumentMessage = z.infer<typeof documentMessage>;

/** Every tenant's blobs live under its own prefix. */
export const blobNameFor = (tenant: string, documentId: string): string => `${tenant}/${documentId}`;
