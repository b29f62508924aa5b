// App Service starts `node` on the bundle and routes traffic to the port it sets in PORT.
import { loadConfig } from "../../shared/config.js";
import { jsonLogger } from "../../shared/log.js";
import { chatlingsSettings } from "./config.js";
import { chatlingsServer } from "./server.js";

const log = jsonLogger();
// The bindings' settings are checked at start-up: a missing or malformed one stops the app here.
const { PORT: port } = loadConfig(chatlingsSettings, process.env, log);
chatlingsServer(log).listen(port, () => log("info", "chatlings-web listening", { port }));
