import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { wrapLine } from "./table.js";

/** A path as messages show it: relative to where the command was run. */
export const displayPath = (file: string): string => path.relative(process.cwd(), file) || file;

/** What a command says it wrote: the files named, wrapped to the terminal's width. */
export const wroteLine = (files: string[]): string => wrapLine(`Wrote ${files.map(displayPath).join(", ")}`);

/** JSON as estate writes it, to files and to stdout: indented, with a final newline. */
export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Writes `value` as JSON, creating the folder first; returns the file. */
export function writeJson(file: string, value: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, jsonText(value));
  return file;
}

/** `--json`: the result on stdout, for tools. */
export function printJson(value: unknown): void {
  process.stdout.write(jsonText(value));
}
