import type { RouteSpec } from "../infra/gateway/routes.js";

/** A service the estate hosts: what its host is and which routes the gateway publishes for it. */
export interface HostedService {
  name: string;
  kind: "function-app" | "web-app";
  /** Routes under /api/v1; none for services that only consume queues. */
  routes: RouteSpec[];
}

/**
 * The reference services, listed by hand until the estate reads services/<name>/manifest.json;
 * that work replaces this list.
 */
export const REFERENCE_SERVICES: HostedService[] = [
  {
    name: "api",
    kind: "function-app",
    routes: [
      { methods: ["GET", "POST"], path: "/api/v1/events", auth: "jwt" },
      { methods: ["POST"], path: "/api/v1/documents", auth: "jwt" },
      { methods: ["GET"], path: "/api/v1/documents/{id}", auth: "jwt" },
      { methods: ["GET"], path: "/api/v1/health", auth: "anonymous" },
    ],
  },
  { name: "worker", kind: "function-app", routes: [] },
];
