// Entry of the App Service web app: reads its settings, then listens where App Service says.
import { loadConfig } from "../../shared/config.js";
import { jsonLogger } from "../../shared/log.js";
import { createApp, settingsSchema } from "./app.js";

const log = jsonLogger();
const config = loadConfig(settingsSchema, process.env, log);
createApp(log).listen(config.PORT, () => log("info", "listening", { port: config.PORT }));
