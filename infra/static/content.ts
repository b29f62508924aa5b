import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";

/** The file a static site serves for `/`: a build folder without it serves nothing. */
export const SITE_INDEX = "index.html";

export interface SiteContentArgs {
  /** The site's build output (e.g. `services/web/dist`), relative to `rootDir` or absolute. */
  folder: string;
  /** The project root: snapshots are named relative to it, so the plan is the same on every machine. */
  rootDir: string;
  /** Where snapshots are kept (`.estate/sites`). */
  outDir: string;
}

export interface SiteContent {
  /** The snapshot that is deployed, relative to rootDir. */
  folder: string;
  /** SHA-256 over every file's path and bytes: the content's identity in the plan. */
  sha256: string;
  files: number;
  bytes: number;
  /** Every file of the snapshot, as sorted POSIX paths relative to it. */
  paths: string[];
}

/** A build folder that cannot be served: names the folder and what is wrong. */
export class SiteContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SiteContentError";
  }
}

/**
 * What keeps a build folder from being served, or undefined: it is missing, not a folder, or has no
 * index.html at its root. The stack checks it before declaring anything; the snapshot again.
 */
export function buildFolderProblem(folder: string, rootDir: string): string | undefined {
  const shown = path.relative(rootDir, folder) || ".";
  if (!existsSync(folder))
    return `build folder ${shown} does not exist; build the site first, or point the manifest's build folder at its output`;
  if (!statSync(folder).isDirectory()) return `build folder ${shown} is not a folder`;
  const index = path.join(folder, SITE_INDEX);
  if (!existsSync(index) || !statSync(index).isFile())
    return `build folder ${shown} has no ${SITE_INDEX} at its root (${listFiles(folder).length} files); is it the build output?`;
  return undefined;
}

/**
 * Fingerprints a site's build output during the program and keeps a snapshot of it named by that
 * fingerprint (`.estate/sites/<sha>/`): what is deployed is exactly what was planned, even if the
 * build folder changes between the plan and the upload, and the same files give the same hash on
 * any machine (paths are relative and sorted; times and permissions are ignored). The build
 * itself (`vite build`, ...) is the service's own step, run before the estate.
 */
export function snapshotSite(args: SiteContentArgs): SiteContent {
  const source = path.resolve(args.rootDir, args.folder);
  const problem = buildFolderProblem(source, args.rootDir);
  if (problem) throw new SiteContentError(`static site: ${problem}`);
  const files = listFiles(source);

  const hash = createHash("sha256");
  let bytes = 0;
  for (const file of files) {
    const data = readFileSync(path.join(source, file));
    bytes += data.length;
    hash.update(file).update("\u0000").update(data).update("\u0000");
  }
  const sha256 = hash.digest("hex");
  const snapshot = path.join(args.outDir, sha256.slice(0, 16));
  if (!existsSync(snapshot)) {
    // Copied aside then renamed: a snapshot folder is complete or absent, never half written.
    mkdirSync(args.outDir, { recursive: true });
    const partial = `${snapshot}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(source, partial, { recursive: true });
    renameSync(partial, snapshot);
  }
  return { folder: path.relative(args.rootDir, snapshot), sha256, files: files.length, bytes, paths: files };
}

/**
 * The Content-Type a host serves each file with, by extension: the IANA media types browsers
 * expect (https://developer.mozilla.org/docs/Web/HTTP/Basics_of_HTTP/MIME_types/Common_types).
 * A fixed table rather than the machine's mime database, so every machine uploads the same headers.
 */
export const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json",
  map: "application/json",
  webmanifest: "application/manifest+json",
  txt: "text/plain; charset=utf-8",
  xml: "application/xml",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  ico: "image/vnd.microsoft.icon",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  wasm: "application/wasm",
  pdf: "application/pdf",
  mp4: "video/mp4",
  webm: "video/webm",
};
/** What a file whose extension the table lacks is served as: bytes, never guessed. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** The Content-Type of a site file, from CONTENT_TYPES by its lowercase extension. */
export function contentTypeOf(file: string): string {
  const extension = path.extname(file).slice(1).toLowerCase();
  return CONTENT_TYPES[extension] ?? DEFAULT_CONTENT_TYPE;
}

/** Every file under `dir`, as sorted POSIX paths relative to it. */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return listFiles(dir, relative);
      return entry.isFile() ? [relative] : [];
    })
    .sort();
}
