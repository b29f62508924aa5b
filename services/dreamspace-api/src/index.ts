// Azure entry point of the DreamSpace API (seed 000) as the estate hosts it: the seed's own
// handlers (dreams, goals, connects, partitioned by /userId) are its code, not this project's, so
// this entry serves only the health route the platform probes. The manifest declares the data the
// real API needs (Cosmos container `dreams`), so the estate grants and wires exactly that.
import { registerWithAzure } from "../../shared/functions.js";
import { healthResponse } from "../../shared/health.js";

registerWithAzure({
  http: [{ name: "health", methods: ["GET"], route: "v1/health", handler: () => healthResponse([]) }],
  serviceBusQueues: [],
});
