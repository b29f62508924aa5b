// Azure entry point of the worker function app (the manifest's `entry`); a bad configuration
// throws at load time so the host refuses to start.
import { registerWithAzure } from "../../shared/functions.js";
import { jsonLogger } from "../../shared/log.js";
import { loadWorkerConfig } from "./config.js";
import { createWorkerDependencies, createWorkerFunctions } from "./functions.js";

const log = jsonLogger();
registerWithAzure(createWorkerFunctions(createWorkerDependencies(loadWorkerConfig(process.env, log), log)));
