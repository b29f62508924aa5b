// What the bench calls of the API, bundled the way the estate bundles services for Azure
// (infra/compute/package.ts) rather than run through the TypeScript loader.
export { createApiDependencies, createApiFunctions } from "../../services/api/src/functions.js";
export { loadApiConfig } from "../../services/api/src/config.js";
export { silentLogger } from "../../services/shared/log.js";
