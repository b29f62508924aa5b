// App Service starts `node` on the bundle and routes traffic to the port it sets in PORT.
import { jsonLogger } from "../../shared/log.js";
import { createChatData } from "./chat.js";
import { loadChatlingsConfig } from "./config.js";
import { chatlingsServer } from "./server.js";

const log = jsonLogger();
// The bindings' settings are checked at start-up: a missing or malformed one stops the app here.
const config = loadChatlingsConfig(process.env, log);
const data = createChatData(config, log);
chatlingsServer({ data, log }).listen(config.PORT, () => log("info", "chatlings-web listening", { port: config.PORT }));
