import { createHash, randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  type Dirent,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { BuildOptions } from "esbuild";

// esbuild and fflate load only when a package is (re)built: most plans reuse every build.
const requireHere = createRequire(import.meta.url);
const esbuild = () => requireHere("esbuild") as typeof import("esbuild");
const fflate = () => requireHere("fflate") as typeof import("fflate");
/** esbuild's version from its package file, so checking a build record loads nothing. */
const ESBUILD_VERSION = (requireHere("esbuild/package.json") as { version: string }).version;

export interface PackageArgs {
  /** What the bundle is for: a Function app (host.json and the Functions layout) or a plain Node web app. */
  kind: "function-app" | "web-app";
  /** The entry file that registers the service's functions (or starts the web app). */
  entry: string;
  /** The project root: bundle paths are relative to it, so the same code gives the same bytes anywhere. */
  rootDir: string;
  /** Folder the zips and their build records are written to (the estate uses `.estate/packages`). */
  outDir: string;
  /**
   * What this run has learnt about builds, shared by its packages: services bundle mostly the same
   * dependencies (about 1,000 files each for the Azure SDKs), each then looked at once.
   */
  run?: PackageRun;
}

/** A source file's modification time and size, which a build is reused while they hold. */
interface Fingerprint {
  mtimeMs: number;
  size: number;
}

/**
 * What one run of one project learns about its packages' builds, while its sources do not change:
 * each source file's fingerprint, by path in the project, and each packages folder's build records,
 * read once.
 */
export class PackageRun {
  readonly fingerprints = new Map<string, Fingerprint>();
  readonly records = new Map<string, RecordsInRun>();
}

export interface ServicePackage {
  file: string;
  /** SHA-256 of the zip: the package's identity in the plan and in blob storage. */
  sha256: string;
  bytes: number;
}

/** How a service's code is bundled for Azure (bench/services measures the handler built the same way). */
export const SERVICE_BUILD = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Provided by the Functions host at run time, never installed.
  external: ["@azure/functions-core"],
  // SDKs bundled from their ES module builds read import.meta.url (e.g. @azure/storage-common's
  // createRequire), which a CommonJS bundle leaves empty: the package would fail as it loads.
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  legalComments: "none",
  logLevel: "silent",
} satisfies BuildOptions;

/** Every zip entry gets this time, so the zip depends on the code only. */
const FIXED_MTIME = new Date("2020-01-01T00:00:00Z");

/** The Functions host's settings: extension bundle for the Service Bus trigger. */
const HOST_JSON = {
  version: "2.0",
  extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" },
};

/**
 * Builds a service into a run-from-package zip: one esbuild bundle (dependencies included, so the
 * package needs no `npm install` in Azure), a package.json pointing at it, and host.json for
 * Function apps. Deterministic: the same sources give byte-identical zips. A build is reused
 * while none of the files that went into it has changed, so planning stays fast.
 */
export function buildServicePackage(args: PackageArgs): ServicePackage {
  const run = args.run ?? new PackageRun();
  const key = `${args.kind}-${args.entry.replace(/[^A-Za-z0-9]+/g, "-")}`;
  const previous = reusableBuild(run, args, key);
  if (previous) return { file: zipPath(args.outDir, previous.sha256), sha256: previous.sha256, bytes: previous.bytes };

  const build = esbuild().buildSync({
    ...SERVICE_BUILD,
    entryPoints: [args.entry],
    absWorkingDir: args.rootDir,
    write: false,
    metafile: true,
  });

  const manifest = { name: "service", private: true, main: "dist/main.js", scripts: { start: "node dist/main.js" } };
  const files: Record<string, Uint8Array> = {
    "package.json": json(manifest),
    "dist/main.js": build.outputFiles[0].contents,
    ...(args.kind === "function-app" ? { "host.json": json(HOST_JSON) } : {}),
  };
  const pkg = writeZip(files, args.outDir);
  const inputs = Object.keys(build.metafile.inputs).map((input): Source => {
    const { mtimeMs, size } = fingerprint(args.rootDir, input, run);
    return [input, mtimeMs, size];
  });
  recordBuild(run, args.outDir, key, { recipe: recipe(args.kind), sha256: pkg.sha256, bytes: pkg.bytes }, inputs);
  return pkg;
}

export interface SourcePackageArgs {
  /** A Function app (host.json added beside the sources) or a web app (the folder alone). */
  kind: PackageArgs["kind"];
  /** The app's source folder, relative to rootDir. */
  source: string;
  /** The project root: zip paths are relative to the source folder in it, so the same files give the same bytes anywhere. */
  rootDir: string;
  /** Folder the zip is written to (the estate uses `.estate/packages`). */
  outDir: string;
}

/** What a local run leaves in a source folder (caches, a virtual environment, Core Tools' local settings and their secrets): never packaged. */
const LOCAL_ONLY = /(^|\/)(__pycache__|\.venv|\.python_packages)(\/|$)|\.py[co]$|(^|\/)local\.settings\.json$/;

/**
 * Zips a source folder as it is (a Python app: Azure installs its requirements.txt when it builds
 * the app, so no dependencies travel in the zip), with host.json for Function apps as
 * buildServicePackage writes it. Deterministic, and cheap enough to redo at every plan: files in
 * name order, every entry with the same time.
 */
export function buildSourcePackage(args: SourcePackageArgs): ServicePackage {
  const folder = path.join(args.rootDir, args.source);
  const names = (readdirSync(folder, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .filter((name) => !LOCAL_ONLY.test(name))
    .sort();
  const files: Record<string, Uint8Array> = Object.fromEntries(
    names.map((name) => [name, readFileSync(path.join(folder, name))]),
  );
  if (args.kind === "function-app") files["host.json"] = json(HOST_JSON);
  return writeZip(files, args.outDir);
}

/** The zip of these files, named by its SHA-256 in outDir. */
function writeZip(files: Record<string, Uint8Array>, outDir: string): ServicePackage {
  const zip = fflate().zipSync(
    Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { mtime: FIXED_MTIME }]])),
    { level: 6 },
  );
  const sha256 = createHash("sha256").update(zip).digest("hex");
  mkdirSync(outDir, { recursive: true });
  const file = zipPath(outDir, sha256);
  writeFileSync(file, zip);
  return { file, sha256, bytes: zip.length };
}

function zipPath(outDir: string, sha256: string): string {
  return path.join(outDir, `${sha256.slice(0, 16)}.zip`);
}

/** Everything besides the sources that shapes a package: a change to any of it rebuilds. */
const recipe = (kind: PackageArgs["kind"]) =>
  JSON.stringify({ kind, esbuild: ESBUILD_VERSION, build: SERVICE_BUILD, host: HOST_JSON });

/** A file a build read, as a path in the project with its fingerprint then. */
type Source = [input: string, mtimeMs: number, size: number];

interface BuildRecord {
  recipe: string;
  sha256: string;
  bytes: number;
  /** The build's sources, as indexes into its folder's `sources`. */
  inputs: number[];
}

/**
 * The builds of one packages folder, in one file (RECORDS_FILE): their sources are mostly the same
 * files, each listed once, so checking whether the builds can be reused reads each once.
 */
interface BuildRecords {
  sources: Source[];
  builds: Record<string, BuildRecord>;
}

/** A folder's build records as a run holds them, with what it found of each source: unchanged or not. */
interface RecordsInRun {
  records: BuildRecords;
  unchanged: (boolean | undefined)[];
}

const RECORDS_FILE = "builds.json";

/** The build records in `outDir`: none when the file is missing or is not what this code writes. */
function readRecords(outDir: string): BuildRecords {
  try {
    const records = JSON.parse(readFileSync(path.join(outDir, RECORDS_FILE), "utf8")) as BuildRecords;
    const isSource = (source: unknown) =>
      Array.isArray(source) &&
      typeof source[0] === "string" &&
      typeof source[1] === "number" &&
      typeof source[2] === "number";
    const isBuild = (build: BuildRecord) =>
      typeof build?.sha256 === "string" &&
      Array.isArray(build.inputs) &&
      build.inputs.every((i) => Number.isInteger(i) && i >= 0 && i < records.sources.length);
    if (
      Array.isArray(records.sources) &&
      records.sources.every(isSource) &&
      Object.values(records.builds).every(isBuild)
    )
      return records;
  } catch {
    // Unreadable or no records: every package is built again.
  }
  return { sources: [], builds: {} };
}

function recordsInRun(run: PackageRun, outDir: string): RecordsInRun {
  let known = run.records.get(outDir);
  if (!known) run.records.set(outDir, (known = { records: readRecords(outDir), unchanged: [] }));
  return known;
}

/** An input's fingerprint, `input` a path in the project as esbuild names it. */
function fingerprint(rootDir: string, input: string, run: PackageRun): Fingerprint {
  const known = run.fingerprints.get(input);
  if (known) return known;
  const { mtimeMs, size } = statSync(path.join(rootDir, input));
  run.fingerprints.set(input, { mtimeMs, size });
  return { mtimeMs, size };
}

/** The previous build, when it followed the same recipe, its zip still exists and none of its inputs changed. */
function reusableBuild(run: PackageRun, { rootDir, kind, outDir }: PackageArgs, key: string): BuildRecord | undefined {
  const known = recordsInRun(run, outDir);
  const build = known.records.builds[key];
  if (!build || build.recipe !== recipe(kind) || !existsSync(zipPath(outDir, build.sha256))) return undefined;
  const unchanged = (i: number) => {
    const [input, mtimeMs, size] = known.records.sources[i];
    try {
      const now = fingerprint(rootDir, input, run);
      return now.mtimeMs === mtimeMs && now.size === size;
    } catch {
      return false; // gone
    }
  };
  return build.inputs.every((i) => (known.unchanged[i] ??= unchanged(i))) ? build : undefined;
}

/**
 * Adds a build to its folder's records, as the file holds them now (another run may have added its
 * own since this one read it), keeping only the sources some build read; the file is replaced whole,
 * so a reader never sees half of it.
 */
function recordBuild(
  run: PackageRun,
  outDir: string,
  key: string,
  build: Omit<BuildRecord, "inputs">,
  inputs: Source[],
): void {
  const current = readRecords(outDir);
  const records: BuildRecords = { sources: [], builds: {} };
  const indexes = new Map<string, number>();
  const indexOf = (source: Source) => {
    const id = source.join("\0");
    let index = indexes.get(id);
    if (index === undefined) indexes.set(id, (index = records.sources.push(source) - 1));
    return index;
  };
  for (const [other, record] of Object.entries(current.builds))
    if (other !== key)
      records.builds[other] = { ...record, inputs: record.inputs.map((i) => indexOf(current.sources[i])) };
  records.builds[key] = { ...build, inputs: inputs.map(indexOf) };
  const file = path.join(outDir, RECORDS_FILE);
  // A name of its own for each writer (processes, and threads of one), then one rename onto the file.
  const draft = `${file}.${randomUUID()}`;
  writeFileSync(draft, JSON.stringify(records));
  renameSync(draft, file);
  run.records.set(outDir, { records, unchanged: [] });
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
