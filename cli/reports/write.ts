import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PolicyReport } from "../../policies/evaluate.js";
import { jsonText } from "../output/files.js";
import { bareContext, type ReportContext } from "./context.js";
import { toHtml } from "./html.js";
import { toJunit } from "./junit.js";
import { toMarkdown } from "./markdown.js";
import { toSarif } from "./sarif.js";

export type ReportFormat = "json" | "sarif" | "junit" | "md" | "html";
export const REPORT_FORMATS: ReportFormat[] = ["json", "sarif", "junit", "md", "html"];

export function renderReport(
  report: PolicyReport,
  format: ReportFormat,
  context: ReportContext = bareContext(report),
): string {
  switch (format) {
    case "json":
      // The run's provenance travels in the file, as in every other artifact of the run.
      return jsonText({ ...report, provenance: context.provenance });
    case "sarif":
      return jsonText(toSarif(report, context));
    case "junit":
      return toJunit(report, context);
    case "md":
      return toMarkdown(report, context);
    case "html":
      return toHtml(report, context);
  }
}

const FILE_NAMES: Record<ReportFormat, string> = {
  json: "policy.json",
  sarif: "policy.sarif",
  junit: "policy.junit.xml",
  md: "policy.md",
  html: "policy.html",
};

/** Writes every report next to plan.json; returns the files written. Build the context (`reportContext`) before: it reads the previous policy.json. */
export function writeReports(
  outDir: string,
  report: PolicyReport,
  context: ReportContext = bareContext(report),
): string[] {
  mkdirSync(outDir, { recursive: true });
  return REPORT_FORMATS.map((format) => {
    const file = path.join(outDir, FILE_NAMES[format]);
    writeFileSync(file, renderReport(report, format, context));
    return file;
  });
}
