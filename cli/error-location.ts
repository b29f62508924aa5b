// Where an unexpected error was thrown, as a file of the project's own sources. The bundled CLI
// runs without Node's source maps (reading the map at every start would slow every command), so a
// frame in the bundle is mapped here, only once something failed, through the map beside it.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Frame {
  file: string;
  line: number;
  column: number;
}

/** `    at fn (file:line:column)`, `    at file:line:column`, with a path or a file: URL. */
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

function parseFrames(stack: string): Frame[] {
  return stack.split("\n").flatMap((text) => {
    const match = FRAME.exec(text);
    if (!match || match[1].startsWith("node:")) return [];
    const file = match[1].startsWith("file:") ? fileURLToPath(match[1]) : match[1];
    return [{ file, line: Number(match[2]), column: Number(match[3]) }];
  });
}

const maps = new Map<string, SourceMap | undefined>();

/** The frame in the source the file was built from, when a map lies beside it (`<file>.map`). */
function mapped(frame: Frame): Frame {
  if (!maps.has(frame.file)) {
    const mapFile = `${frame.file}.map`;
    maps.set(frame.file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8"))) : undefined);
  }
  const entry = maps.get(frame.file)?.findEntry(frame.line - 1, frame.column - 1);
  if (!entry || !("originalSource" in entry)) return frame;
  const source = entry.originalSource.startsWith("file:") ? fileURLToPath(entry.originalSource) : entry.originalSource;
  return {
    file: path.resolve(path.dirname(frame.file), source),
    line: entry.originalLine + 1,
    column: entry.originalColumn + 1,
  };
}

const isProjectSource = (file: string) => {
  const relative = path.relative(PROJECT_DIR, file);
  return !relative.startsWith("..") && !path.isAbsolute(relative) && !relative.split(path.sep).includes("node_modules");
};

/**
 * `infra/data/cosmos.ts:57:23`: the first frame of the error's stack in the project's sources, else
 * its first frame at all (inside a package); undefined for an error without a stack.
 */
export function sourceLocation(error: Error): string | undefined {
  const frames = parseFrames(error.stack ?? "").map(mapped);
  const frame = frames.find((f) => isProjectSource(f.file)) ?? frames[0];
  if (!frame) return undefined;
  const file = isProjectSource(frame.file) ? path.relative(PROJECT_DIR, frame.file) : frame.file;
  return `${file.split(path.sep).join("/")}:${frame.line}:${frame.column}`;
}
