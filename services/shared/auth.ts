// Bearer-token validation with jose: signature from the issuer's JWKS (an unknown `kid` triggers a
// refetch, so key rotation needs no restart), issuer, audience and expiry. The tenant is the
// token's `org_id` claim and nothing else. Behind the estate's gateway the caller's token arrives
// in a header of its own (AUTH_CALLER_HEADER): Authorization then holds the gateway's token,
// which App Service authentication has already checked.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { setting } from "./config.js";
import { ProblemError } from "./problem.js";

export const authSettings = {
  AUTH_ISSUER: setting.url(),
  AUTH_AUDIENCE: setting.name(),
  AUTH_JWKS_URI: setting.url(),
  /** The header holding the caller's `Bearer` token. */
  AUTH_CALLER_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name")
    .transform((name) => name.toLowerCase())
    .default("authorization"),
};

export const roles = ["reader", "writer", "admin"] as const;
export type Role = (typeof roles)[number];
/** Roles allowed to change data. */
const writerRoles: readonly Role[] = ["writer", "admin"];
/** Roles allowed to read data: whoever may write may read. */
const readerRoles: readonly Role[] = ["reader", ...writerRoles];

export interface Caller {
  subject: string;
  tenantId: string;
  roles: Role[];
}

/** Tenant ids become partition keys and blob prefixes, so they are kept to a safe alphabet. */
export const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const claims = z.object({
  sub: z.string().min(1),
  org_id: tenantId,
  role: z.union([z.string(), z.array(z.string())]).optional(),
});

export interface AuthOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** Minimum time between JWKS refetches for unknown `kid`s; protects the issuer from token floods. */
  jwksCooldownMs?: number;
  /**
   * How long a fetched JWKS is used before it is fetched again: the bound within which a key
   * withdrawn from the JWKS stops verifying tokens not seen before.
   */
  jwksMaxAgeMs?: number;
  /** The header holding the caller's token; default `authorization`. */
  callerTokenHeader?: string;
  /** Where signing keys come from; default the issuer's JWKS at jwksUri. */
  keys?: JWTVerifyGetKey;
}

/** What the authenticator reads of a request: its headers (a Fetch `Headers`, as Functions gives). */
export interface RequestHeaders {
  get(name: string): string | null;
}

export type Authenticator = (headers: RequestHeaders) => Promise<Caller>;

const unauthenticated = (detail: string) =>
  new ProblemError("unauthenticated", detail, {}, { "WWW-Authenticate": `Bearer error="invalid_token"` });

/** How long a verified token is trusted without checking it again; never past its expiry. */
const VERIFIED_FOR_MS = 5 * 60_000;
/** Verified tokens kept at most; the oldest goes first. */
const MAX_VERIFIED = 10_000;

export function createAuthenticator(options: AuthOptions): Authenticator {
  const jwks =
    options.keys ??
    createRemoteJWKSet(new URL(options.jwksUri), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksMaxAgeMs ?? 60_000,
      timeoutDuration: 5_000,
    });
  const header = options.callerTokenHeader ?? "authorization";
  // A client sends the same token with every request until it expires: its signature is checked
  // once, not on each request, where it was the largest part of a handler's own work.
  const verified = new Map<string, { caller: Caller; until: number }>();
  return async (headers) => {
    // Keyed on the header as sent: a known token skips even the syntax check.
    const credentials = headers.get(header) ?? "";
    const known = verified.get(credentials);
    if (known && Date.now() < known.until) return { ...known.caller, roles: [...known.caller.roles] };
    verified.delete(credentials);
    const match = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/.exec(credentials);
    if (!match)
      throw new ProblemError(
        "unauthenticated",
        "send an Authorization: Bearer <token> header",
        {},
        { "WWW-Authenticate": "Bearer" },
      );
    const token = match[1];
    let payload: { exp?: number };
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ["RS256", "ES256"],
        requiredClaims: ["exp", "sub"],
        clockTolerance: 30,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) {
        throw unauthenticated(describeJoseError(error));
      }
      // Timeouts and network errors while fetching the JWKS: the issuer, not the token, is at fault.
      throw new ProblemError("dependency-unavailable", "the token issuer's signing keys could not be fetched");
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) throw unauthenticated("the token lacks a valid sub or org_id claim");
    const claimed = [parsed.data.role ?? []].flat();
    const caller: Caller = {
      subject: parsed.data.sub,
      tenantId: parsed.data.org_id,
      roles: roles.filter((role) => claimed.includes(role)),
    };
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
    verified.set(credentials, { caller, until: Math.min(Date.now() + VERIFIED_FOR_MS, payload.exp! * 1000) });
    return { ...caller, roles: [...caller.roles] };
  };
}

function describeJoseError(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JWTExpired) return "the token has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "the token was not signed by a known key";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "the token's signature is not valid";
  return "the token is malformed or uses an unsupported algorithm";
}

const requireRole =
  (allowed: readonly Role[]) =>
  (caller: Caller): void => {
    if (!caller.roles.some((role) => allowed.includes(role))) {
      throw new ProblemError("forbidden", `this operation needs one of the roles: ${allowed.join(", ")}`);
    }
  };

/** Roles are compared exactly (see `roles` in createAuthenticator): "writer " is no role. */
export const requireWriter = requireRole(writerRoles);
export const requireReader = requireRole(readerRoles);
