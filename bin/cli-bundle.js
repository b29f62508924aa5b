// The `estate` command runs from a CommonJS bundle of cli/main.ts, rebuilt with esbuild whenever a
// source file is newer. Node loads the big CommonJS SDKs (Pulumi, azure-native) far faster through
// require() than through a TypeScript ESM loader, which is what keeps `estate plan` close to the
// time Node needs just to load those SDKs (see bench/plan).
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { createRequire, isBuiltin, Module } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "estate");
// One bundle per checkout: checkouts sharing one node_modules (git worktrees) would otherwise run
// each other's bundle whenever their own sources look no newer than it.
const checkout = createHash("sha256").update(realpathSync(ROOT)).digest("hex").slice(0, 12);
export const BUNDLE = path.join(CACHE, `cli-${checkout}.cjs`);
/** The bundle's first line records what it was built from: `// estate-bundle {"builtAt":..,"inputs":[..]}`. */
const HEADER = "// estate-bundle ";
/** Where the bundle finds the `import()` of the runner: see runBundle. */
const IMPORT = "__estateImport";
/**
 * esbuild's helper for `import * as x from "<CommonJS package>"` copies every export of the package
 * onto a new object at each importing file: the estate imports the Pulumi SDK in some forty files
 * and several azure-native submodules (hundreds of exports each) in more than one, about 10,000
 * property copies at every start of `estate plan`, two thirds of them repeats. A package's exports are complete once require()
 * returns (the bundle's own files never load in a cycle with a package), so every importer can
 * share the first copy: the helper keeps it, per module and mode.
 */
const TO_ESM = /^var __toESM = /m;
const TO_ESM_EACH_TIME = "__toESMEachTime";
const ONE_NAMESPACE_PER_MODULE = `var __toESMCopies = [new WeakMap(), new WeakMap()];
function __toESM(mod, isNodeMode) {
  if (mod === null || (typeof mod !== "object" && typeof mod !== "function")) return ${TO_ESM_EACH_TIME}(mod, isNodeMode);
  const copies = __toESMCopies[isNodeMode ? 1 : 0];
  let copy = copies.get(mod);
  if (!copy) copies.set(mod, (copy = ${TO_ESM_EACH_TIME}(mod, isNodeMode)));
  return copy;
}`;

/** Path of an up-to-date bundle, building it first when any of its inputs changed. */
export async function cliBundle() {
  if (isFresh()) return BUNDLE;
  await buildBundle();
  return BUNDLE;
}

function isFresh() {
  try {
    const { builtAt, inputs } = readHeader();
    return inputs.every((file) => statSync(path.join(ROOT, file)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

function readHeader() {
  const fd = openSync(BUNDLE, "r");
  try {
    const buffer = Buffer.alloc(256 * 1024);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8");
    const line = text.slice(0, text.indexOf("\n"));
    if (!line.startsWith(HEADER)) throw new Error("no header");
    return JSON.parse(line.slice(HEADER.length));
  } finally {
    closeSync(fd);
  }
}

export async function buildBundle() {
  const { build } = await import("esbuild");
  mkdirSync(CACHE, { recursive: true });
  const builtAt = Date.now();
  const dynamicImports = new Set();
  const result = await build({
    entryPoints: [path.join(ROOT, "cli/main.ts")],
    outfile: BUNDLE,
    write: false,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // In a file of its own: inline, it would triple what every command reads at start.
    sourcemap: "linked",
    metafile: true,
    logLevel: "silent",
    banner: {
      js: `var ${IMPORT} = globalThis[Symbol.for("estate.import")] ?? ((specifier) => import(specifier));\n${ONE_NAMESPACE_PER_MODULE}`,
    },
    plugins: [requirablePackagesExternal(dynamicImports), importMetaAsLiterals],
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/"));
  const header = `${HEADER}${JSON.stringify({ builtAt, inputs: [...inputs, "package-lock.json", "bin/cli-bundle.js"] })}\n`;
  // The record of what went in travels in the bundle itself, and several `estate` processes may
  // build at once (parallel tests): each writes its own file and renames it into place, so no
  // process ever runs a half-written bundle or one that does not match its record.
  const output = (extension) => result.outputFiles.find((file) => file.path.endsWith(extension));
  const map = JSON.parse(output(".map").text);
  // The header is one more line before the code: the map starts with one line without mappings.
  // Sources by absolute path: Node reaches the bundle by its real path, which a linked node_modules
  // puts in another checkout, where paths relative to it would name that checkout's files.
  const sources = map.sources.map((source) => path.resolve(CACHE, source));
  writeAtomically(`${BUNDLE}.map`, JSON.stringify({ ...map, sources, mappings: `;${map.mappings}` }));
  // The packages loaded when needed are imported through the runner's import(), which code run
  // from V8's code cache cannot call itself (runBundle); same length or not, only those lines move.
  let code = output(".cjs").text.replace(TO_ESM, `var ${TO_ESM_EACH_TIME} = `);
  for (const specifier of dynamicImports)
    code = code.replaceAll(`import(${JSON.stringify(specifier)})`, `${IMPORT}(${JSON.stringify(specifier)})`);
  writeAtomically(BUNDLE, `${header}${code}`);
}

/**
 * Runs a bundle as require() would, with V8's code cache of it: Node 20 has no
 * module.enableCompileCache, and compiling the bundle's functions as they are first called was a
 * good part of what a command that reads a saved plan spent (bench/policy). One cache per command
 * (the functions it ran), beside the bundle, written at the end of a run that found none or a stale
 * one (V8 refuses a cache of another source). Code from a cache cannot call import() on Node 20:
 * the bundle imports packages through `estate.import`, set here.
 */
export function runBundle(file, command) {
  const source = readFileSync(file, "utf8");
  // Source-mapped traces when debugging; and a bundle built before `estate.import` calls import().
  if (process.env.ESTATE_DEBUG || !source.includes(IMPORT)) return createRequire(import.meta.url)(file);
  globalThis[Symbol.for("estate.import")] = (specifier) => import(specifier);
  // Before the script is compiled: V8 takes a code cache only under the flags it was made with.
  if (SHORT_RUN_COMMANDS.includes(command)) SHORT_RUN_FLAGS.forEach((flag) => v8.setFlagsFromString(flag));
  const cacheFile = `${file}.${/^[a-z]+$/.test(command ?? "") ? command : "help"}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected)
    process.once("exit", () => {
      try {
        writeAtomically(cacheFile, script.createCachedData());
      } catch {
        // a read-only cache folder: the next run compiles again
      }
    });
  const module = new Module(file);
  module.filename = file;
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
}

/**
 * The commands that read a saved plan (or plan a stack first) are done in a second or two: V8's
 * optimising compiler recompiles their busiest functions in background threads, which Node waits
 * for before it exits, and that cost them more than it saved (bench/policy; `estate cost dev`
 * too). They run on V8's interpreter and baseline compiler only. Nor does V8 mark their heap
 * incrementally: `estate policy --plan` grew its heap past the point where marking starts near its
 * end, and Node waited for that marking and a full collection of a heap about to be freed
 * (10-30 ms, bench/policy).
 */
const SHORT_RUN_COMMANDS = ["policy", "cost", "diff", "graph", "export", "dr"];
const SHORT_RUN_FLAGS = ["--no-opt", "--no-incremental-marking"];

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/**
 * Small pure-JavaScript packages that commands reading a saved plan use (the plan schema, the policy
 * settings and waivers, API Management policy documents, the tables): bundled in, with the packages they import, because as separate
 * packages Node resolves, reads and compiles a hundred files for them (yaml alone is 72) at every
 * start, which was most of what `estate policy --plan` spent beyond reading the plan (bench/policy).
 */
const BUNDLED_PACKAGES = ["yaml", "zod", "commander", "fast-xml-parser"];

/**
 * Packages Node can require() stay external, required by absolute path from where the importer
 * would find them (a nested node_modules may hold another version than the root's); ESM-only
 * ones (chalk, ora...) and BUNDLED_PACKAGES are bundled in.
 */
const requirablePackagesExternal = (dynamicImports) => ({
  name: "requirable-packages-external",
  setup(build) {
    const bundledDirs = [];
    build.onResolve({ filter: /^[^./#]/ }, (args) => {
      if (args.path.startsWith("node:") || isBuiltin(args.path)) return { external: true };
      // Loaded when needed, by Node itself: kept out of the file every command reads.
      if (args.kind === "dynamic-import") {
        dynamicImports.add(args.path);
        return { external: true };
      }
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
      const packageDir = findPackage(name, args.resolveDir);
      if (!packageDir) return undefined; // esbuild reports what cannot be found
      if (BUNDLED_PACKAGES.includes(name) || bundledDirs.some((dir) => args.importer.startsWith(dir))) {
        bundledDirs.push(`${realpathSync(packageDir)}${path.sep}`);
        return undefined;
      }
      const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
      const requirable = manifest.type !== "module" || JSON.stringify(manifest.exports ?? {}).includes('"require"');
      if (!requirable) return undefined;
      return { path: createRequire(path.join(args.resolveDir, "importer.js")).resolve(args.path), external: true };
    });
  },
});

/** The folder of the package `name` as Node would find it from `fromDir`. */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Each source file keeps its own import.meta.url and dirname, as literals of its real path. */
const importMetaAsLiterals = {
  name: "import-meta-as-literals",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const values = { dirname: path.dirname(args.path), filename: args.path, url: pathToFileURL(args.path).href };
      // Not inside a string: "import.meta.url" as text (an esbuild define, say) stays as written.
      const source = readFileSync(args.path, "utf8").replace(
        /(?<!["'`])import\.meta\.(dirname|filename|url)\b/g,
        (_, key) => JSON.stringify(values[key]),
      );
      return { contents: source, loader: "ts" };
    });
  },
};
