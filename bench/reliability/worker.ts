// The worker in a process of its own, so the reliability bench can SIGKILL it mid-batch: its
// settings arrive as JSON in ESTATE_WORKER_SETTINGS, its log lines go to stdout as JSON.
import { startLocalHost } from "../../services/local/host.js";
import { jsonLogger } from "../../services/shared/log.js";
import { loadWorkerConfig } from "../../services/worker/src/config.js";
import { createWorkerDependencies, createWorkerFunctions } from "../../services/worker/src/functions.js";

const settings = JSON.parse(process.env.ESTATE_WORKER_SETTINGS ?? "{}") as Record<string, string | undefined>;
const log = jsonLogger((line) => process.stdout.write(line + "\n"));
const deps = createWorkerDependencies(loadWorkerConfig(settings, log), log);
const host = await startLocalHost({ functions: [createWorkerFunctions(deps)], settings, log, maxConcurrentCalls: 4 });
process.stdout.write(JSON.stringify({ message: "worker ready" }) + "\n");
process.on("SIGTERM", () => {
  void host
    .stop()
    .then(() => deps.data.close())
    .then(() => process.exit(0));
});
