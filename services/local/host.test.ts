// The local host at the edges of HTTP: requests it cannot route are 400 problems, and a body is
// read only when the handler asks for it, after the token check.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROBLEM_CONTENT_TYPE } from "../shared/problem.js";
import { tokenFor } from "../testing/client.js";
import { type LocalEnvironment } from "./environment.js";
import { startStackEnvironment } from "../../stacks/local.js";

let env: LocalEnvironment;
beforeAll(async () => {
  env = await startStackEnvironment({ services: ["api"] });
});
afterAll(() => env?.stop());

/** Sends raw bytes and resolves with the first complete response head and body the host sends. */
function rawRequest(head: string, body = ""): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(env.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let received = "";
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(received);
      if (end < 0 || !length || received.length < end + 4 + Number(length[1])) return;
      socket.destroy();
      resolve({
        status: Number(received.split(" ")[1]),
        headers: received.slice(0, end),
        body: received.slice(end + 4, end + 4 + Number(length[1])),
      });
    });
    socket.write(head + body);
  });
}

const expectProblem = (response: { status: number; headers: string; body: string }, status: number, slug: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.toLowerCase()).toContain(`content-type: ${PROBLEM_CONTENT_TYPE}`);
  expect(JSON.parse(response.body)).toMatchObject({ type: `urn:estate:problem:${slug}`, status });
};

describe("local host", () => {
  it("answers an unparseable Host and a bad percent-encoding with 400 problem+json", async () => {
    expectProblem(await rawRequest("GET /api/v1/health HTTP/1.1\r\nHost: [::1\r\n\r\n"), 400, "validation-failed");
    const token = await tokenFor(env, "tenant-h", "reader");
    const response = await rawRequest(
      `GET /api/v1/documents/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    expectProblem(response, 400, "validation-failed");
    expect(JSON.parse(response.body).errors[0].pointer).toBe("path");
  });

  it("refuses a large upload without a token before its body is sent, and one over the host limit at once", async () => {
    // 50 MB announced, 1 KB sent: the 401 comes without the host waiting for the rest.
    const head =
      "POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 52428800\r\n\r\n";
    expectProblem(await rawRequest(head, "x".repeat(1024)), 401, "unauthenticated");
    const token = await tokenFor(env, "tenant-h");
    expectProblem(
      await rawRequest(
        `POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/plain\r\nContent-Length: ${101 * 1024 * 1024}\r\n\r\n`,
        "x",
      ),
      413,
      "payload-too-large",
    );
  });
});
