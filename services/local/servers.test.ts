// A local server that cannot start stops the environment with the server's name and its own words,
// never a skip or a hang.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalServerError, startRedisServer } from "./servers.js";

const dir = await mkdtemp(path.join(tmpdir(), "estate-servers-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("local servers", () => {
  it("fail with the server's name and the end of its output when the process exits before it is ready", async () => {
    // A redis-server on PATH that refuses its configuration, as a broken install would.
    await writeFile(
      path.join(dir, "redis-server"),
      "#!/bin/sh\necho 'FATAL CONFIG FILE ERROR: bad directive' >&2\nexit 1\n",
    );
    await chmod(path.join(dir, "redis-server"), 0o755);
    const original = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${original}`;
    try {
      const error = await startRedisServer().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LocalServerError);
      expect((error as Error).message).toMatch(
        /^Redis: .*redis-server exited \(code 1\) before it was ready\nFATAL CONFIG FILE ERROR: bad directive$/,
      );
    } finally {
      process.env.PATH = original;
    }
  });
});
