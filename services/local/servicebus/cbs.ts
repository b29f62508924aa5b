// Claims-based authorisation ($cbs put-token) with Shared Access Signature tokens,
// validated the way Service Bus does: key name, expiry and an HMAC-SHA256 signature over
// the url-encoded resource URI, a newline and the expiry (seconds since the epoch).
import { createHmac, timingSafeEqual } from "node:crypto";

export const CBS_ADDRESS = "$cbs";
const SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";
const SAS_PREFIX = "SharedAccessSignature ";

export interface SharedAccessKey {
  keyName: string;
  key: string;
}

/** What a connection may access after a successful put-token: an entity path prefix, until expiry. */
export interface Claim {
  path: string;
  expiresAt: number;
}

export interface CbsResult {
  statusCode: number;
  statusDescription: string;
  claim?: Claim;
}

/** The SAS token the SDK builds for a resource URI (the tests use it for expired and hand-made tokens). */
export function createSasToken(resource: string, credential: SharedAccessKey, expiresAtSeconds: number): string {
  const encodedResource = encodeURIComponent(resource);
  const signature = sign(credential.key, `${encodedResource}\n${expiresAtSeconds}`);
  return (
    `${SAS_PREFIX}sr=${encodedResource}&sig=${encodeURIComponent(signature)}` +
    `&se=${expiresAtSeconds}&skn=${encodeURIComponent(credential.keyName)}`
  );
}

/** Handles one put-token request: `name` is the audience, `token` the request body. */
export function putToken(
  request: { name?: unknown; type?: unknown; token?: unknown },
  credential: SharedAccessKey,
  now: number,
): CbsResult {
  if (request.type !== SAS_TOKEN_TYPE) {
    return unauthorized(
      `Token type '${String(request.type)}' is not supported: the local broker accepts SAS tokens only.`,
    );
  }
  if (typeof request.token !== "string" || typeof request.name !== "string") {
    return { statusCode: 400, statusDescription: "The put-token request needs a string token and audience name." };
  }
  const fields = parseToken(request.token);
  if (!fields) return unauthorized("InvalidSignature: The token is not a well-formed SharedAccessSignature.");
  const { sr, sig, se, skn } = fields;
  if (safeDecode(skn) !== credential.keyName) {
    return unauthorized(`InvalidSignature: The shared access key name '${safeDecode(skn)}' is not known.`);
  }
  const expiresAtSeconds = Number(se);
  if (!Number.isInteger(expiresAtSeconds) || expiresAtSeconds * 1000 <= now) {
    return unauthorized("ExpiredToken: The token has expired.");
  }
  // The signature covers the resource exactly as it appears in the token (url-encoded).
  const expected = Buffer.from(sign(credential.key, `${sr}\n${se}`));
  const actual = Buffer.from(safeDecode(sig));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return unauthorized("InvalidSignature: The token has an invalid signature.");
  }
  const scope = entityPath(safeDecode(sr));
  const audience = entityPath(request.name);
  if (!covers(scope, audience)) {
    return unauthorized(
      `InvalidAudience: The token for '${safeDecode(sr)}' does not grant access to '${request.name}'.`,
    );
  }
  return {
    statusCode: 202,
    statusDescription: "Accepted",
    claim: { path: audience, expiresAt: expiresAtSeconds * 1000 },
  };
}

/** Whether a connection's claims allow access to an entity path (e.g. `orders/$management`). */
export function isAuthorized(claims: readonly Claim[], path: string, now: number): boolean {
  const target = entityPath(path);
  return claims.some((claim) => claim.expiresAt > now && covers(claim.path, target));
}

/**
 * The entity part of an audience or address, lower-cased as Service Bus names are case
 * insensitive: `sb://localhost:5672/Orders/$management` -> `orders/$management`. The host
 * is not compared, so clients may use localhost or 127.0.0.1.
 */
export function entityPath(audienceOrAddress: string): string {
  const withoutScheme = audienceOrAddress.replace(/^(sb|amqps?):\/\/[^/]*/i, "");
  return withoutScheme.replace(/^\/+|\/+$/g, "").toLowerCase();
}

/** A token for a path covers that path and everything below it; an empty path is the namespace. */
function covers(scope: string, path: string): boolean {
  return scope === "" || path === scope || path.startsWith(scope + "/");
}

function parseToken(token: string): { sr: string; sig: string; se: string; skn: string } | undefined {
  if (!token.startsWith(SAS_PREFIX)) return undefined;
  const fields = new Map<string, string>();
  for (const pair of token.slice(SAS_PREFIX.length).split("&")) {
    const separator = pair.indexOf("=");
    if (separator > 0) fields.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
  const sr = fields.get("sr");
  const sig = fields.get("sig");
  const se = fields.get("se");
  const skn = fields.get("skn");
  return sr && sig && se && skn ? { sr, sig, se, skn } : undefined;
}

function sign(key: string, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64");
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function unauthorized(statusDescription: string): CbsResult {
  return { statusCode: 401, statusDescription };
}
