// RFC 9457 problem details. Every error the services return goes through here, so clients can
// switch on a stable `type` instead of parsing prose.
import type { HttpResponseInit } from "@azure/functions";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The catalogue of problem types: slug → HTTP status and human title. */
const problemTypes = {
  "validation-failed": { status: 400, title: "The request is not valid" },
  "malformed-json": { status: 400, title: "The request body is not valid JSON" },
  unauthenticated: { status: 401, title: "A valid bearer token is required" },
  forbidden: { status: 403, title: "The token's role does not allow this operation" },
  "not-found": { status: 404, title: "The resource does not exist" },
  "method-not-allowed": { status: 405, title: "The method is not allowed on this resource" },
  "idempotency-key-reused": { status: 409, title: "The Idempotency-Key was already used with a different request" },
  "payload-too-large": { status: 413, title: "The request body is too large" },
  "unsupported-media-type": { status: 415, title: "The request content type is not supported" },
  "rate-limited": { status: 429, title: "Too many requests; retry after the time given" },
  "dependency-unavailable": { status: 503, title: "A dependency of the service is unavailable" },
  "internal-error": { status: 500, title: "An unexpected error occurred" },
} as const;

export type ProblemSlug = keyof typeof problemTypes;

const problemTypeUri = (slug: ProblemSlug): string => `urn:estate:problem:${slug}`;

/** An error that handlers throw to answer with a specific problem. */
export class ProblemError extends Error {
  constructor(
    readonly slug: ProblemSlug,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ProblemError";
  }

  get status(): number {
    return problemTypes[this.slug].status;
  }
}

export function problemResponse(error: ProblemError, instance?: string): HttpResponseInit {
  const { status, title } = problemTypes[error.slug];
  return {
    status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store", ...error.headers },
    body: JSON.stringify({
      type: problemTypeUri(error.slug),
      title,
      status,
      detail: error.detail,
      instance,
      ...error.extensions,
    }),
  };
}
