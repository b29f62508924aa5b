// Real servers for the bindings that have one packaged for Debian: Redis and PostgreSQL. Each runs
// as a child process on loopback, on a free port, with its data in a temporary folder that stop()
// removes. Nothing is installed system-wide: a system binary is used where there is one, otherwise
// the Redis binary is taken from Debian's packages into node_modules/.cache (see redisBinary).
import { execFile as execFileCallback, spawn, type ChildProcess } from "node:child_process";
import { chown, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { LOOPBACK } from "./emulators.js";

const execFile = promisify(execFileCallback);
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CACHE_DIR = path.join(PROJECT_ROOT, "node_modules", ".cache", "estate-local");
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`: no TLS and no password, the server listens on loopback only. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface PostgresServer {
  host: string;
  port: number;
  /** The superuser initdb created; trusted on loopback, no password. */
  superuser: string;
  stop(): Promise<void>;
}

/** Which server failed and what it said, so that a test run or `npm run dev` stops with the reason. */
export class LocalServerError extends Error {
  constructor(server: string, problem: string) {
    super(`${server}: ${problem}`);
    this.name = "LocalServerError";
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface RunningServer {
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a server process and resolves once a line of its output matches `ready`; rejects with the
 * tail of its output when it exits or stays silent past START_TIMEOUT_MS.
 */
function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { ready: RegExp; env?: NodeJS.ProcessEnv; uid?: number; gid?: number },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, {
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let started = false;
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    const fail = (problem: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new LocalServerError(name, `${problem}\n${output.trim().split("\n").slice(-15).join("\n")}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const read = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (!started && options.ready.test(output)) {
        started = true;
        clearTimeout(timer);
        resolve({
          stop: async (signal) => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill(signal);
            const killer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
            await exited;
            clearTimeout(killer);
          },
        });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("error", (error) => fail(`could not run ${command}: ${error.message}`));
    child.once("exit", (code, signal) => {
      if (!started) fail(`${command} exited (${signal ?? `code ${code}`}) before it was ready`);
    });
  });
}

const isExecutable = (file: string) =>
  stat(file).then(
    (s) => s.isFile() && (s.mode & 0o111) !== 0,
    () => false,
  );

async function onPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    if (await isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

// ---- Redis -------------------------------------------------------------------------------------

/**
 * Debian 12 ships the binary in redis-tools; redis-server holds the link named redis-server (Redis
 * picks its mode from the name it runs under) and the service scripts, unused here.
 */
const REDIS_PACKAGES = ["redis-server", "redis-tools", "libjemalloc2", "liblzf1"];
const REDIS_INSTALL_HINT = "install Redis (Debian: apt-get install redis-server) so that redis-server is on PATH";

interface Binary {
  path: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A redis-server to run: the system's if it is on PATH; otherwise Debian's packages, fetched once
 * with `apt-get download` (no root needed, nothing installed) and unpacked with `dpkg-deb -x` into
 * node_modules/.cache/estate-local/redis, run with the unpacked libraries on LD_LIBRARY_PATH.
 */
async function redisBinary(progress: (step: string) => void): Promise<Binary> {
  const system = await onPath("redis-server");
  if (system) return { path: system, env: process.env };
  const root = path.join(CACHE_DIR, "redis");
  if (!(await isExecutable(path.join(root, "usr/bin/redis-server")))) await unpackRedis(root, progress);
  return { path: path.join(root, "usr/bin/redis-server"), env: await withUnpackedLibraries(root) };
}

/** The environment that makes the dynamic loader find the libraries unpacked under `root`. */
async function withUnpackedLibraries(root: string): Promise<NodeJS.ProcessEnv> {
  const dirs = (await readdir(path.join(root, "usr/lib")))
    .filter((dir) => dir.endsWith("-linux-gnu"))
    .map((dir) => path.join(root, "usr/lib", dir));
  return { ...process.env, LD_LIBRARY_PATH: [...dirs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
}

async function unpackRedis(root: string, progress: (step: string) => void): Promise<void> {
  progress(
    `redis-server is not on PATH: fetching Debian's ${REDIS_PACKAGES.join(", ")} into ${path.relative(PROJECT_ROOT, root)}`,
  );
  await mkdir(CACHE_DIR, { recursive: true });
  // Unpacked beside the target and renamed into place, so a concurrent start never sees half a tree.
  const work = await mkdtemp(path.join(CACHE_DIR, "redis-"));
  try {
    const debs = path.join(work, "debs");
    await mkdir(debs);
    await aptDownload(REDIS_PACKAGES, debs, progress);
    const unpacked = path.join(work, "root");
    for (const deb of await readdir(debs)) await execFile("dpkg-deb", ["-x", path.join(debs, deb), unpacked]);
    const { stdout } = await execFile("ldd", [path.join(unpacked, "usr/bin/redis-server")], {
      env: await withUnpackedLibraries(unpacked),
    });
    const missing = stdout
      .split("\n")
      .filter((line) => line.includes("not found"))
      .map((line) => line.trim().split(" ")[0]);
    if (missing.length > 0)
      throw new LocalServerError(
        "Redis",
        `Debian's redis-server needs libraries this machine lacks (${missing.join(", ")}): ${REDIS_INSTALL_HINT}`,
      );
    await rename(unpacked, root).catch(async (error: NodeJS.ErrnoException) => {
      // Another process unpacked it first: use theirs.
      if (!(await isExecutable(path.join(root, "usr/bin/redis-server")))) throw error;
    });
  } catch (error) {
    if (error instanceof LocalServerError) throw error;
    throw new LocalServerError(
      "Redis",
      `redis-server is not on PATH and could not be taken from Debian's packages (${(error as Error).message.trim()}): ${REDIS_INSTALL_HINT}`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `apt-get download`; with empty package lists (a new machine) and root, `apt-get update` once first. */
async function aptDownload(packages: string[], dir: string, progress: (step: string) => void): Promise<void> {
  try {
    await execFile("apt-get", ["download", ...packages], { cwd: dir });
  } catch (error) {
    const unknown = /Unable to locate package|has no installation candidate/.test(
      String((error as { stderr?: string }).stderr),
    );
    if (!unknown || process.getuid?.() !== 0) throw error;
    progress("Debian's package lists do not know redis-tools: apt-get update");
    await execFile("apt-get", ["update"]);
    await execFile("apt-get", ["download", ...packages], { cwd: dir });
  }
}

export async function startRedisServer(progress: (step: string) => void = () => {}): Promise<RedisServer> {
  const binary = await redisBinary(progress);
  const dir = await mkdtemp(path.join(tmpdir(), "estate-redis-"));
  try {
    const port = await freePort();
    // No persistence: the folder only holds what Redis insists on writing (nothing, with these).
    const server = await startProcess(
      "Redis",
      binary.path,
      [
        "--bind",
        LOOPBACK,
        "--port",
        String(port),
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
      ],
      { ready: /Ready to accept connections/, env: binary.env },
    );
    return {
      url: `redis://${LOOPBACK}:${port}`,
      port,
      stop: async () => {
        await server.stop("SIGTERM");
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

// ---- PostgreSQL --------------------------------------------------------------------------------

const POSTGRES_INSTALL_HINT =
  "install PostgreSQL (Debian: apt-get install postgresql) so that initdb and postgres are found";

/** The folder holding initdb and postgres: on PATH, else Debian's newest /usr/lib/postgresql/<major>/bin. */
async function postgresBinDir(): Promise<string> {
  const initdb = await onPath("initdb");
  if (initdb && (await isExecutable(path.join(path.dirname(initdb), "postgres")))) return path.dirname(initdb);
  const majors = await readdir("/usr/lib/postgresql").catch(() => [] as string[]);
  for (const major of majors.filter((m) => /^\d+$/.test(m)).sort((a, b) => Number(b) - Number(a))) {
    const dir = path.join("/usr/lib/postgresql", major, "bin");
    if ((await isExecutable(path.join(dir, "initdb"))) && (await isExecutable(path.join(dir, "postgres")))) return dir;
  }
  throw new LocalServerError(
    "PostgreSQL",
    `no initdb and postgres on PATH or in /usr/lib/postgresql/*/bin: ${POSTGRES_INSTALL_HINT}`,
  );
}

/**
 * PostgreSQL refuses to run as root. As root the server runs as the system's `postgres` account
 * (Debian's package creates it), else as `nobody`; as anyone else, as that user.
 */
async function postgresAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const accounts = (await readFile("/etc/passwd", "utf8")).split("\n").map((line) => line.split(":"));
  const account = accounts.find((a) => a[0] === "postgres") ?? accounts.find((a) => a[0] === "nobody");
  if (!account)
    throw new LocalServerError(
      "PostgreSQL",
      "running as root, and there is neither a postgres nor a nobody account to run the server as",
    );
  return { uid: Number(account[2]), gid: Number(account[3]) };
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = await postgresBinDir();
  const account = await postgresAccount();
  const dir = await mkdtemp(path.join(tmpdir(), "estate-postgresql-"));
  try {
    if (account) await chown(dir, account.uid, account.gid);
    const data = path.join(dir, "data");
    const superuser = "estate";
    // Trust authentication is safe only because the server listens on loopback and no Unix socket.
    await execFile(
      path.join(bin, "initdb"),
      ["-D", data, "-U", superuser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
      { uid: account?.uid, gid: account?.gid },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new LocalServerError("PostgreSQL", `initdb failed: ${(error.stderr ?? error.message).trim()}`);
    });
    const port = await freePort();
    // fsync off: the data is thrown away at stop, and durability would only slow the tests down.
    const args = [
      "-D",
      data,
      "-p",
      String(port),
      "-c",
      `listen_addresses=${LOOPBACK}`,
      "-c",
      "unix_socket_directories=",
      "-c",
      "fsync=off",
    ];
    const server = await startProcess("PostgreSQL", path.join(bin, "postgres"), args, {
      ready: /database system is ready to accept connections/,
      uid: account?.uid,
      gid: account?.gid,
    });
    return {
      host: LOOPBACK,
      port,
      superuser,
      stop: async () => {
        await server.stop("SIGINT"); // fast shutdown: disconnects clients, no checkpoint wait
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface PostgresDatabaseSpec {
  database: string;
  /** The service's login role; it gets exactly its binding's privileges. */
  role: string;
  access: "read" | "readwrite";
  /** DDL run as the superuser before the grants: the service's tables. */
  schema?: string;
}

/**
 * What the estate sets up in Azure for a postgresql binding: the database and a role for the
 * service with SELECT (readwrite: and INSERT, UPDATE, DELETE) on its tables, no more; plus the
 * service's tables, which its role cannot create.
 */
export async function provisionPostgresDatabase(server: PostgresServer, spec: PostgresDatabaseSpec): Promise<void> {
  const connect = async (database: string) => {
    const client = new pg.Client({ host: server.host, port: server.port, user: server.superuser, database });
    await client.connect();
    return client;
  };
  const role = pgIdentifier(spec.role);
  const admin = await connect("postgres");
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [spec.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${pgIdentifier(spec.database)}`);
    const roleExists = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [spec.role]);
    if (roleExists.rowCount === 0) await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT CONNECT ON DATABASE ${pgIdentifier(spec.database)} TO ${role}`);
  } finally {
    await admin.end();
  }
  const owner = await connect(spec.database);
  try {
    if (spec.schema) await owner.query(spec.schema);
    const privileges = spec.access === "readwrite" ? "SELECT, INSERT, UPDATE, DELETE" : "SELECT";
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await owner.query(`GRANT ${privileges} ON ALL TABLES IN SCHEMA public TO ${role}`);
  } finally {
    await owner.end();
  }
}

const pgIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
