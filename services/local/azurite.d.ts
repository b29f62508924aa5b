// The slice of Azurite's internals that services/local/emulators.ts starts in-process (the package
// ships no type declarations for its server classes).
declare module "azurite/dist/src/blob/BlobConfiguration.js" {
  const BlobConfiguration: new (...args: unknown[]) => object;
  export default BlobConfiguration;
}
declare module "azurite/dist/src/blob/BlobServer.js" {
  const BlobServer: new (config: object) => { start(): Promise<void>; close(): Promise<void>; clean(): Promise<void> };
  export default BlobServer;
}
declare module "azurite/dist/src/common/persistence/MemoryExtentStore.js" {
  export class MemoryExtentChunkStore {
    constructor(sizeLimit: number);
  }
}
