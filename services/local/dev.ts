// `npm run dev`: the services with every dependency on loopback, one command, Ctrl-C stops all.
import { jsonLogger } from "../shared/log.js";
import { startLocalEnvironment } from "./environment.js";

const port = Number(process.env.PORT ?? 7071);
const started = performance.now();
const say = (line: string) => process.stdout.write(line + "\n");

const env = await startLocalEnvironment({
  apiPort: port,
  log: jsonLogger(),
  progress: (step) => say(`  … ${step}`),
});

const token = await env.issuer.sign({ org_id: "dev-tenant", role: "writer", expires_in: 8 * 3600 });
say(`
Estate services running (${Math.round(performance.now() - started)} ms), all on loopback:
  API            ${env.url}/api/v1   (health: ${env.url}/api/v1/health)
  Blob (Azurite) ${env.blob.endpoint}
  Cosmos DB      ${env.cosmos.endpoint}
  Service Bus    ${env.serviceBus.connectionString.split(";")[0]}
  Token issuer   ${env.issuer.issuer}   (JWKS: ${env.issuer.jwksUri})

Development token (tenant dev-tenant, role writer, 8 h):
  ${token}

  curl -H "Authorization: Bearer $TOKEN" ${env.url}/api/v1/events
  More tokens: curl -X POST ${env.issuer.issuer}/token -d '{"org_id":"acme","role":"reader"}'

Ctrl-C stops everything.
`);

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
