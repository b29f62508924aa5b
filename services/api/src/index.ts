// Azure entry point of the API function app (the manifest's `entry`). A configuration error throws
// here, at load time, so the host refuses to start the app instead of serving broken requests.
import { registerWithAzure } from "../../shared/functions.js";
import { jsonLogger } from "../../shared/log.js";
import { loadApiConfig } from "./config.js";
import { createApiDependencies, createApiFunctions } from "./functions.js";

const log = jsonLogger();
registerWithAzure(createApiFunctions(createApiDependencies(loadApiConfig(process.env, log), log)));
