import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startDevIssuer, type DevIssuer } from "../local/token.js";
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { createAuthenticator, requireReader, requireWriter, type Authenticator } from "./auth.js";
import { ProblemError } from "./problem.js";

let issuer: DevIssuer;
let stranger: DevIssuer;
let authenticate: Authenticator;

beforeAll(async () => {
  [issuer, stranger] = await Promise.all([startDevIssuer(), startDevIssuer()]);
  authenticate = createAuthenticator({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: issuer.jwksUri,
    jwksCooldownMs: 0,
  });
});
afterAll(async () => {
  await Promise.all([issuer?.stop(), stranger?.stop()]);
});

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

async function rejection(headers: Headers, authenticator = authenticate): Promise<ProblemError> {
  const error = await authenticator(headers).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe("bearer authentication", () => {
  it("takes the tenant from org_id and keeps only known roles", async () => {
    const caller = await authenticate(
      bearer(await issuer.sign({ org_id: "acme", sub: "ana", role: ["reader", "superuser"] })),
    );
    expect(caller).toEqual({ subject: "ana", tenantId: "acme", roles: ["reader"] });
    expect(() => requireWriter(caller)).toThrow(ProblemError);
    expect(() => requireWriter({ ...caller, roles: ["writer"] })).not.toThrow();
  });

  it("rejects expired tokens, other audiences and issuers, and foreign signatures", async () => {
    const cases = [
      [await issuer.sign({ org_id: "acme", expires_in: -3600 }), /expired/],
      [await issuer.sign({ org_id: "acme", audience: "api://other" }), /aud claim/],
      [await issuer.sign({ org_id: "acme", issuer: "https://elsewhere.example" }), /iss claim/],
      [await stranger.sign({ org_id: "acme", issuer: issuer.issuer }), /known key/],
      [await issuer.sign({ org_id: "../etc" }), /org_id/],
    ] as const;
    for (const [token, detail] of cases) {
      const problem = await rejection(bearer(token));
      expect(problem.slug).toBe("unauthenticated");
      expect(problem.detail).toMatch(detail);
    }
    expect((await rejection(new Headers())).slug).toBe("unauthenticated");
    expect((await rejection(new Headers({ authorization: "Basic dXNlcjpwYXNz" }))).slug).toBe("unauthenticated");
  });

  it("behind the gateway, reads the caller from the configured header and never from Authorization", async () => {
    const behindGateway = createAuthenticator({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      jwksCooldownMs: 0,
      callerTokenHeader: "x-estate-caller-authorization",
    });
    // Authorization holds another valid token (the gateway's, in Azure): it must not become the caller.
    const gateway = `Bearer ${await issuer.sign({ org_id: "gateway", sub: "apim" })}`;
    const caller = `Bearer ${await issuer.sign({ org_id: "acme", sub: "ana" })}`;
    await expect(
      behindGateway(new Headers({ authorization: gateway, "X-Estate-Caller-Authorization": caller })),
    ).resolves.toMatchObject({
      tenantId: "acme",
      subject: "ana",
    });
    expect((await rejection(new Headers({ authorization: gateway }), behindGateway)).slug).toBe("unauthenticated");
  });

  it("follows a signing-key rotation without restarting", async () => {
    await authenticate(bearer(await issuer.sign({ org_id: "acme" })));
    const oldToken = await issuer.sign({ org_id: "acme" });
    const newKid = await issuer.rotate();
    const newToken = await issuer.sign({ org_id: "acme" });
    expect(JSON.parse(Buffer.from(newToken.split(".")[0], "base64url").toString()).kid).toBe(newKid);
    await expect(authenticate(bearer(newToken))).resolves.toMatchObject({ tenantId: "acme" });
    await expect(authenticate(bearer(oldToken))).resolves.toMatchObject({ tenantId: "acme" });
  });

  it("stops verifying new tokens signed with a withdrawn key once the JWKS is older than its max age", async () => {
    const authenticator = createAuthenticator({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      jwksCooldownMs: 0,
      jwksMaxAgeMs: 60_000,
    });
    const leakedKid = await issuer.rotate();
    await expect(authenticator(bearer(await issuer.sign({ org_id: "acme", sub: "before" })))).resolves.toMatchObject({
      subject: "before",
    });
    await issuer.rotate();
    issuer.withdraw(leakedKid);
    try {
      vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ["Date"] });
      const forged = await issuer.sign({ org_id: "acme", sub: "after", kid: leakedKid });
      expect((await rejection(bearer(forged), authenticator)).detail).toMatch(/known key/);
      await expect(authenticator(bearer(await issuer.sign({ org_id: "acme", sub: "current" })))).resolves.toMatchObject(
        { subject: "current" },
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("compares roles exactly", async () => {
    for (const role of ["writer ", "Writer", "guest", ["reader\u0000"]]) {
      const caller = await authenticate(
        bearer(await issuer.sign({ org_id: "acme", sub: `role-${JSON.stringify(role)}`, role })),
      );
      expect(caller.roles).toEqual([]);
      expect(() => requireReader(caller)).toThrow(ProblemError);
    }
    expect(() => requireReader({ subject: "w", tenantId: "acme", roles: ["writer"] })).not.toThrow();
  });

  it("checks a token once, then trusts it a few minutes at most and never past its expiry", async () => {
    const remote = createRemoteJWKSet(new URL(issuer.jwksUri));
    let checks = 0;
    const keys: JWTVerifyGetKey = (header, token) => {
      checks++;
      return remote(header, token);
    };
    const authenticator = createAuthenticator({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      keys,
    });
    const shortLived = await issuer.sign({ org_id: "acme", expires_in: 60 });
    const longLived = await issuer.sign({ org_id: "acme", expires_in: 3600 });
    for (let i = 0; i < 3; i++) {
      await expect(authenticator(bearer(shortLived))).resolves.toMatchObject({ tenantId: "acme" });
      await expect(authenticator(bearer(longLived))).resolves.toMatchObject({ tenantId: "acme" });
    }
    expect(checks).toBe(2);
    try {
      // Past the short token's expiry (and the 30 s leeway): checked again, and refused.
      vi.useFakeTimers({ now: Date.now() + 91_000, toFake: ["Date"] });
      expect((await rejection(bearer(shortLived), authenticator)).detail).toMatch(/expired/);
      await authenticator(bearer(longLived));
      expect(checks).toBe(3);
      // Five minutes after its check, even a valid token is checked again.
      vi.setSystemTime(Date.now() + 5 * 60_000);
      await authenticator(bearer(longLived));
      expect(checks).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
