// Local development token issuer: signs JWTs like the real identity provider would and serves its
// JWKS on loopback. `rotate()` publishes a new signing key (old ones stay published, as during a
// real rotation) so tests can prove the API follows `kid` changes without restarting.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from "jose";
import { z } from "zod";
import { closeServer, LOOPBACK } from "./emulators.js";
import type { Role } from "../shared/auth.js";

const DEV_AUDIENCE = "api://estate-local";
const ALGORITHM = "ES256";

export interface TokenRequest {
  org_id: string;
  sub?: string;
  role?: Role | Role[] | string | string[];
  /** Lifetime in seconds; negative values make already-expired tokens for tests. */
  expires_in?: number;
  audience?: string;
  issuer?: string;
  /** The key to sign with (tests of withdrawn keys); default the current signing key. */
  kid?: string;
}

export interface DevIssuer {
  issuer: string;
  jwksUri: string;
  audience: string;
  sign(request: TokenRequest): Promise<string>;
  /** Makes a new key the signing key and publishes it next to the old ones; returns its kid. */
  rotate(): Promise<string>;
  /** Stops publishing a key; sign({ kid }) can still use it, as whoever leaked it could. */
  withdraw(kid: string): void;
  stop(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: "sig" } };
}

const tokenRequest = z.object({
  org_id: z.string(),
  sub: z.string().optional(),
  role: z.union([z.string(), z.array(z.string())]).optional(),
  expires_in: z.number().int().optional(),
});

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

export async function startDevIssuer(port = 0, audience = DEV_AUDIENCE): Promise<DevIssuer> {
  const keys: SigningKey[] = [await newKey()];
  const current = () => keys[keys.length - 1];
  const withdrawn = new Set<string>();
  let issuer = "";

  const keyFor = (kid?: string) => (kid === undefined ? current() : (keys.find((k) => k.kid === kid) ?? current()));
  const sign = (request: TokenRequest) =>
    new SignJWT({ org_id: request.org_id, ...(request.role !== undefined && { role: request.role }) })
      .setProtectedHeader({ alg: ALGORITHM, kid: keyFor(request.kid).kid, typ: "JWT" })
      .setIssuer(request.issuer ?? issuer)
      .setAudience(request.audience ?? audience)
      .setSubject(request.sub ?? `user@${request.org_id}`)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (request.expires_in ?? 3600))
      .sign(keyFor(request.kid).privateKey);

  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res
        .writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" })
        .end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/.well-known/jwks.json")
      return send(200, { keys: keys.filter((k) => !withdrawn.has(k.kid)).map((k) => k.publicJwk) });
    if (req.method === "GET" && req.url === "/.well-known/openid-configuration") {
      return send(200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: [ALGORITHM],
      });
    }
    // POST /token {"org_id":"acme","role":"writer"}: mints a token for local use (loopback only).
    if (req.method === "POST" && req.url === "/token") {
      readJson(req)
        .then((body) => sign(tokenRequest.parse(body)))
        .then((token) => send(200, { access_token: token, token_type: "Bearer" }))
        .catch((error: unknown) => send(400, { error: String(error) }));
      return;
    }
    send(404, { error: "not found" });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, LOOPBACK, resolve));
  issuer = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    audience,
    sign,
    rotate: async () => {
      keys.push(await newKey());
      return current().kid;
    },
    withdraw: (kid) => void withdrawn.add(kid),
    stop: () => closeServer(server),
  };
}
