// Real servers for the bindings that have one packaged for Debian: Redis and PostgreSQL. Each runs
// as a child process on loopback, on a free port, with its data in a temporary folder that stop()
// removes. Nothing is installed system-wide: a system binary is used where there is one, otherwise
// the server is taken from Debian's packages into node_modules/.cache (see unpackDebianPackages).
import { execFile as execFileCallback, spawn, type ChildProcess } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
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

// ---- Debian packages, unpacked -----------------------------------------------------------------

interface Binary {
  path: string;
  env: NodeJS.ProcessEnv;
}

/** The environment that makes the dynamic loader find the libraries unpacked under `root`. */
async function withUnpackedLibraries(root: string): Promise<NodeJS.ProcessEnv> {
  const dirs: string[] = [];
  for (const libDir of [path.join(root, "lib"), path.join(root, "usr/lib")]) {
    const entries = await readdir(libDir).catch(() => [] as string[]);
    dirs.push(...entries.filter((dir) => dir.endsWith("-linux-gnu")).map((dir) => path.join(libDir, dir)));
  }
  return { ...process.env, LD_LIBRARY_PATH: [...dirs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
}

interface DebianUnpack {
  /** The server, as errors name it. */
  server: string;
  /** Where the tree goes: a folder of node_modules/.cache/estate-local. */
  root: string;
  /** The packages to fetch; resolved only when the tree is not unpacked yet. */
  packages: () => Promise<string[]>;
  /** The executables that must run from the unpacked tree, found in it once unpacked. */
  executables: (unpacked: string) => Promise<string[]>;
  /** What to do instead, ending every error. */
  installHint: string;
}

/**
 * Fetches Debian packages with `apt-get download` (no root needed, nothing installed) and unpacks
 * them with `dpkg-deb -x` into `spec.root`, checking with `ldd` that the executables find every
 * library they link, the unpacked ones on LD_LIBRARY_PATH.
 */
async function unpackDebianPackages(spec: DebianUnpack, progress: (step: string) => void): Promise<void> {
  await mkdir(path.dirname(spec.root), { recursive: true });
  // Unpacked beside the target and renamed into place, so a concurrent start never sees half a tree.
  const work = await mkdtemp(`${spec.root}-`);
  try {
    const packages = await spec.packages();
    progress(`fetching Debian's ${packages.join(", ")} into ${path.relative(PROJECT_ROOT, spec.root)}`);
    const debs = path.join(work, "debs");
    await mkdir(debs);
    await execFile("apt-get", ["download", ...packages], { cwd: debs });
    const unpacked = path.join(work, "root");
    for (const deb of await readdir(debs)) await execFile("dpkg-deb", ["-x", path.join(debs, deb), unpacked]);
    const env = await withUnpackedLibraries(unpacked);
    const executables = await spec.executables(unpacked);
    if (executables.length === 0) throw new Error(`the packages ${packages.join(", ")} hold no ${spec.server} server`);
    const missing = new Set<string>();
    for (const executable of executables) {
      const { stdout } = await execFile("ldd", [executable], { env });
      for (const line of stdout.split("\n").filter((l) => l.includes("not found")))
        missing.add(line.trim().split(" ")[0]!);
    }
    if (missing.size > 0)
      throw new LocalServerError(
        spec.server,
        `Debian's packages need libraries this machine lacks (${[...missing].join(", ")}): ${spec.installHint}`,
      );
    // Readable by the account a server started as root runs as (mkdtemp made `work` private).
    await chmod(unpacked, 0o755);
    await rename(unpacked, spec.root).catch(async (error: NodeJS.ErrnoException) => {
      // Another process unpacked it first: use theirs.
      if ((await spec.executables(spec.root).catch(() => [])).length === 0) throw error;
    });
  } catch (error) {
    if (error instanceof LocalServerError) throw error;
    throw new LocalServerError(
      spec.server,
      `not installed, and Debian's packages could not be fetched and unpacked (${(error as Error).message.trim()}): ${spec.installHint}`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Makes sure Debian's package lists know `probe` (a new machine's are empty): as root, runs
 * `apt-get update` once; as anyone else, fails saying so.
 */
async function knownToApt(probe: string, progress: (step: string) => void): Promise<void> {
  const known = () =>
    execFile("apt-cache", ["show", "--no-all-versions", probe]).then(
      () => true,
      () => false,
    );
  if (await known()) return;
  if (process.getuid?.() !== 0)
    throw new Error(`Debian's package lists do not know ${probe} (apt-get update, as root)`);
  progress(`Debian's package lists do not know ${probe}: apt-get update`);
  await execFile("apt-get", ["update"]);
  if (!(await known())) throw new Error(`Debian's package lists do not know ${probe}, even after apt-get update`);
}

/** The packages `packages` depend on directly (first alternatives and all; virtual ones left out). */
async function aptDepends(packages: string[]): Promise<string[]> {
  const { stdout } = await execFile("apt-cache", [
    "depends",
    ...["--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"],
    ...packages,
  ]);
  return [...new Set([...stdout.matchAll(/^\s*\|?(?:Pre)?Depends: ([^<\s]\S*)$/gm)].map((match) => match[1]!))];
}

/** Those of `packages` dpkg does not list as installed. */
async function notInstalled(packages: string[]): Promise<string[]> {
  if (packages.length === 0) return [];
  // dpkg-query exits 1 when it knows some of the packages not at all; its output still lists the rest.
  const { stdout } = await execFile("dpkg-query", ["-W", "-f", "${Package} ${db:Status-Status}\n", ...packages]).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
  );
  const installed = new Set(
    stdout
      .split("\n")
      .filter((line) => line.endsWith(" installed"))
      .map((line) => line.split(" ")[0]!.split(":")[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

// ---- Redis -------------------------------------------------------------------------------------

/**
 * Debian 12 ships the binary in redis-tools; redis-server holds the link named redis-server (Redis
 * picks its mode from the name it runs under) and the service scripts, unused here.
 */
const REDIS_PACKAGES = ["redis-server", "redis-tools", "libjemalloc2", "liblzf1"];
const REDIS_INSTALL_HINT = "install Redis (Debian: apt-get install redis-server) so that redis-server is on PATH";

/**
 * A redis-server to run: the system's if it is on PATH; otherwise Debian's packages, fetched once
 * into node_modules/.cache/estate-local/redis (unpackDebianPackages).
 */
async function redisBinary(progress: (step: string) => void): Promise<Binary> {
  const system = await onPath("redis-server");
  if (system) return { path: system, env: process.env };
  const root = path.join(CACHE_DIR, "redis");
  const binary = (tree: string) => path.join(tree, "usr/bin/redis-server");
  if (!(await isExecutable(binary(root)))) {
    progress("redis-server is not on PATH");
    await unpackDebianPackages(
      {
        server: "Redis",
        root,
        packages: async () => {
          await knownToApt("redis-tools", progress);
          return REDIS_PACKAGES;
        },
        executables: async (tree) => ((await isExecutable(binary(tree))) ? [binary(tree)] : []),
        installHint: REDIS_INSTALL_HINT,
      },
      progress,
    );
  }
  return { path: binary(root), env: await withUnpackedLibraries(root) };
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
/** Set to a folder: initdb and postgres from there. Set to `debian`: Debian's packages even where PostgreSQL is installed. */
const POSTGRES_BIN_VARIABLE = "ESTATE_POSTGRES_BIN";

/** The newest `<root>/usr/lib/postgresql/<major>/bin` holding initdb and postgres, as Debian lays them out. */
async function debianPostgresBinDir(root: string): Promise<string | undefined> {
  const majors = await readdir(path.join(root, "usr/lib/postgresql")).catch(() => [] as string[]);
  for (const major of majors.filter((m) => /^\d+$/.test(m)).sort((a, b) => Number(b) - Number(a))) {
    const dir = path.join(root, "usr/lib/postgresql", major, "bin");
    if ((await isExecutable(path.join(dir, "initdb"))) && (await isExecutable(path.join(dir, "postgres")))) return dir;
  }
  return undefined;
}

/**
 * initdb and postgres to run: ESTATE_POSTGRES_BIN's folder if it names one; else those on PATH, else
 * Debian's newest /usr/lib/postgresql/<major>/bin; else (or with ESTATE_POSTGRES_BIN=debian)
 * Debian's packages, fetched once into node_modules/.cache/estate-local/postgresql.
 */
async function postgresBinaries(progress: (step: string) => void): Promise<{ bin: string; env: NodeJS.ProcessEnv }> {
  const chosen = process.env[POSTGRES_BIN_VARIABLE];
  if (chosen && chosen !== "debian") {
    if ((await isExecutable(path.join(chosen, "initdb"))) && (await isExecutable(path.join(chosen, "postgres"))))
      return { bin: chosen, env: process.env };
    throw new LocalServerError("PostgreSQL", `${POSTGRES_BIN_VARIABLE}=${chosen} holds no initdb and postgres`);
  }
  if (!chosen) {
    const initdb = await onPath("initdb");
    if (initdb && (await isExecutable(path.join(path.dirname(initdb), "postgres"))))
      return { bin: path.dirname(initdb), env: process.env };
    const system = await debianPostgresBinDir("/");
    if (system) return { bin: system, env: process.env };
    progress("no initdb and postgres on PATH or in /usr/lib/postgresql/*/bin");
  }
  return unpackedPostgres(path.join(CACHE_DIR, "postgresql"), progress);
}

/**
 * Debian's PostgreSQL under `root`, unpacked first if it is not there yet: the server package of the
 * major Debian's `postgresql` package names, with the libraries it links that this machine lacks
 * (and theirs). LLVM is left out: only JIT compilation loads it, and the servers run with jit off.
 * PostgreSQL finds its share and lib folders relative to its binaries, so it runs from anywhere.
 */
export async function unpackedPostgres(
  root: string,
  progress: (step: string) => void,
): Promise<{ bin: string; env: NodeJS.ProcessEnv }> {
  let bin = await debianPostgresBinDir(root);
  if (!bin) {
    await unpackDebianPackages(
      {
        server: "PostgreSQL",
        root,
        packages: async () => {
          await knownToApt("postgresql", progress);
          const server = (await aptDepends(["postgresql"])).find((name) => /^postgresql-\d+$/.test(name));
          if (!server) throw new Error("Debian's postgresql package depends on no postgresql-<major>");
          const packages = [server];
          const seen = new Set(packages);
          for (let next = packages; next.length > 0; ) {
            const libraries = (await aptDepends(next)).filter(
              (name) => name.startsWith("lib") && !name.startsWith("libllvm") && !seen.has(name),
            );
            libraries.forEach((name) => seen.add(name));
            next = await notInstalled(libraries);
            packages.push(...next);
          }
          return packages;
        },
        executables: async (tree) => {
          const dir = await debianPostgresBinDir(tree);
          return dir ? [path.join(dir, "initdb"), path.join(dir, "postgres")] : [];
        },
        installHint: POSTGRES_INSTALL_HINT,
      },
      progress,
    );
    bin = (await debianPostgresBinDir(root))!;
  }
  return { bin, env: await withUnpackedLibraries(root) };
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

export async function startPostgresServer(progress: (step: string) => void = () => {}): Promise<PostgresServer> {
  const { bin, env } = await postgresBinaries(progress);
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
      { uid: account?.uid, gid: account?.gid, env },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new LocalServerError("PostgreSQL", `initdb failed: ${(error.stderr ?? error.message).trim()}`);
    });
    const port = await freePort();
    // fsync off: the data is thrown away at stop, and durability would only slow the tests down.
    // jit off: short queries only, and Debian's packages fetched here leave LLVM out.
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
      "-c",
      "jit=off",
    ];
    const server = await startProcess("PostgreSQL", path.join(bin, "postgres"), args, {
      ready: /database system is ready to accept connections/,
      env,
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
