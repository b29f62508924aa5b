// A local server that cannot start stops the environment with the server's name and its own words,
// never a skip or a hang.
import { chmod, mkdir, mkdtemp, readlink, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LocalServerError, startPostgresServer, startRedisServer, unpackedPostgres } from "./servers.js";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs `body` with environment variables set, restoring them after. */
async function withEnv<T>(values: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const original = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  try {
    return await body();
  } finally {
    for (const [key, value] of Object.entries(original))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  }
}

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

  it("bring PostgreSQL from Debian's packages where none is installed, and serve connections from it", async () => {
    // As on a machine with Node and npm only: the installed PostgreSQL is skipped.
    const steps: string[] = [];
    const server = await withEnv({ ESTATE_POSTGRES_BIN: "debian" }, () =>
      startPostgresServer((step) => steps.push(step)),
    );
    try {
      const client = new pg.Client({
        host: server.host,
        port: server.port,
        user: server.superuser,
        database: "postgres",
      });
      await client.connect();
      try {
        const { rows } = await client.query("SELECT pg_backend_pid() AS pid, 6 * 7 AS answer");
        expect(rows[0].answer).toBe(42);
        // The process serving this connection runs the unpacked binary.
        const executable = await readlink(`/proc/${rows[0].pid}/exe`);
        const cache = await realpath(path.join(PROJECT_ROOT, "node_modules/.cache/estate-local/postgresql"));
        expect(executable.startsWith(`${cache}${path.sep}`), executable).toBe(true);
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
    const refused = await new pg.Client({ host: server.host, port: server.port, user: server.superuser })
      .connect()
      .catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
  });

  it("say what to install when PostgreSQL is neither installed nor obtainable from Debian's packages", async () => {
    // apt tools that fail, as on a machine without Debian's package tools or network.
    const tools = path.join(dir, "no-apt");
    await mkdir(tools);
    for (const tool of ["apt-cache", "apt-get"]) {
      await writeFile(path.join(tools, tool), "#!/bin/sh\necho 'E: no network' >&2\nexit 100\n");
      await chmod(path.join(tools, tool), 0o755);
    }
    const error = await withEnv({ PATH: `${tools}${path.delimiter}${process.env.PATH}` }, () =>
      unpackedPostgres(path.join(dir, "postgresql"), () => {}),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalServerError);
    expect((error as Error).message).toMatch(
      /^PostgreSQL: not installed, and Debian's packages could not be fetched and unpacked \(.*\): install PostgreSQL \(Debian: apt-get install postgresql\)/s,
    );
  });

  it("refuse an ESTATE_POSTGRES_BIN folder without initdb and postgres, naming it", async () => {
    const error = await withEnv({ ESTATE_POSTGRES_BIN: dir }, () => startPostgresServer()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalServerError);
    expect((error as Error).message).toBe(`PostgreSQL: ESTATE_POSTGRES_BIN=${dir} holds no initdb and postgres`);
  });
});
