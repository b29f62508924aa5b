// `npm run dev`: the services with every dependency on loopback, one command, Ctrl-C stops all.
// `npm run dev -- api worker` hosts only those (LOCAL_SERVICES lists the rest).
import { LOCAL_SERVICES, notHostedLocally } from "../services/local/environment.js";
import { jsonLogger } from "../services/shared/log.js";
import { startStackEnvironment } from "../stacks/local.js";

const port = Number(process.env.PORT ?? 7071);
const started = performance.now();
const say = (line: string) => process.stdout.write(line + "\n");
const chosen = process.argv.slice(2);

const env = await startStackEnvironment({
  apiPort: port,
  services: chosen.length > 0 ? chosen : LOCAL_SERVICES,
  log: jsonLogger(),
  progress: (step) => say(`  … ${step}`),
});

const token = await env.issuer.sign({ org_id: "dev-tenant", role: "writer", expires_in: 8 * 3600 });
const column = (label: string) => label.padEnd(15);
const webApps = Object.values(env.webApps).map(
  (app) => `  ${column(app.name)}${app.url}/api/v1   (health: ${app.url}/api/v1/health)`,
);
const servers = [
  env.redis && `  ${column("Redis")}${env.redis.url}`,
  env.postgresql &&
    `  ${column("PostgreSQL")}postgresql://${env.postgresql.superuser}@${env.postgresql.host}:${env.postgresql.port}/postgres   (trusted on loopback, no password)`,
].filter(Boolean);
say(`
Estate services running (${Math.round(performance.now() - started)} ms), all on loopback:
  ${column("API")}${env.url}/api/v1   (health: ${env.url}/api/v1/health)
${[...webApps, ...servers].map((line) => `${line}\n`).join("")}  ${column("Blob (Azurite)")}${env.blob.endpoint}
  ${column("Cosmos DB")}${env.cosmos.endpoint}
  ${column("Service Bus")}${env.serviceBus.connectionString.split(";")[0]}
  ${column("Token issuer")}${env.issuer.issuer}   (JWKS: ${env.issuer.jwksUri})

Development token (tenant dev-tenant, role writer, 8 h):
  ${token}

  curl -H "Authorization: Bearer $TOKEN" ${env.url}/api/v1/events
  More tokens: curl -X POST ${env.issuer.issuer}/token -d '{"org_id":"acme","role":"reader"}'

Ctrl-C stops everything.
`);

const python = env.manifests.filter((m) => m.runtime === "python");
if (python.length > 0) say(`Not hosted here: ${notHostedLocally(python)}.\n`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  say(`\n${signal}: stopping…`);
  await env.stop();
  say("stopped.");
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
