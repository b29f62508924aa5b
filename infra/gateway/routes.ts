/** How a hosted service's routes become one APIM API: its path, operations and their templates. */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteSpec {
  methods: HttpMethod[];
  /** Full path under /api/v1, parameters as {name}. */
  path: string;
  /** `anonymous` routes (health probes) skip token validation. */
  auth: "jwt" | "anonymous";
}

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  /** Path below the API's path, e.g. /documents/{id}. */
  urlTemplate: string;
  parameters: string[];
  auth: RouteSpec["auth"];
}

export interface ApiSpec {
  /** Path of the API under the gateway host, without leading slash, e.g. api/v1. */
  path: string;
  operations: OperationSpec[];
}

const isParameter = (segment: string) => /^\{\w+\}$/.test(segment);

/**
 * The API's path is the longest literal prefix its routes share (at least /api/v1); each route
 * becomes one operation per method below it.
 */
export function apiSpec(service: string, routes: RouteSpec[]): ApiSpec {
  if (routes.length === 0) throw new Error(`service ${service}: an API needs at least one route`);
  const split = routes.map((r) => {
    if (!/^\/api\/v1(\/[A-Za-z0-9._-]+|\/\{\w+\})*$/.test(r.path)) {
      throw new Error(`service ${service}: route "${r.path}" is not a path under /api/v1 (parameters as {name})`);
    }
    return r.path.split("/").slice(1);
  });
  let prefixLength = 0;
  for (;;) {
    const segment = split[0][prefixLength];
    const shared = split.every(
      (s) => s.length > prefixLength + (routes.length > 1 ? 1 : 0) && s[prefixLength] === segment,
    );
    if (segment === undefined || isParameter(segment) || !shared) break;
    prefixLength++;
  }
  const operations: OperationSpec[] = [];
  const seen = new Set<string>();
  routes.forEach((route, i) => {
    const rest = split[i].slice(prefixLength);
    for (const method of route.methods) {
      const operationId =
        [method.toLowerCase(), ...rest.map((s) => s.replace(/[{}]/g, ""))].join("-") || method.toLowerCase();
      if (seen.has(operationId)) throw new Error(`service ${service}: ${method} ${route.path} is listed twice`);
      seen.add(operationId);
      operations.push({
        operationId,
        method,
        urlTemplate: `/${rest.join("/")}`,
        parameters: rest.filter(isParameter).map((s) => s.slice(1, -1)),
        auth: route.auth,
      });
    }
  });
  return { path: split[0].slice(0, prefixLength).join("/"), operations };
}

/** Two services may not claim the same API path: APIM would refuse the second. */
export function assertDistinctPaths(specs: Array<{ service: string; path: string }>): void {
  specs.forEach((spec, i) => {
    const other = specs.slice(0, i).find((s) => s.path === spec.path);
    if (other) {
      throw new Error(
        `services ${other.service} and ${spec.service} both publish their API at /${spec.path}; give their routes distinct prefixes`,
      );
    }
  });
}
