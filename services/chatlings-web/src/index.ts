// App Service starts `node` on the bundle and routes traffic to the port it sets in PORT.
import { jsonLogger } from "../../shared/log.js";
import { chatlingsServer } from "./server.js";

const log = jsonLogger();
const port = Number(process.env.PORT ?? 8080);
chatlingsServer(log).listen(port, () => log("info", "chatlings-web listening", { port }));
