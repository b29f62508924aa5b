import path from "node:path";
import type { PolicyReport } from "../../policies/evaluate.js";
import { gitCommit, type RunProvenance } from "../provenance.js";
import { TOOL_VERSION } from "../version.js";
import { compareFindings, readPreviousReport, type Baseline, type Comparison } from "./baseline.js";
import { sourceLocator, type SourceLocator } from "./sources.js";

/** What made a report: the sources' commit (when the project is a git checkout), the time, the tool and the pack. */
export interface Provenance {
  commit?: string;
  evaluatedAt: string;
  toolVersion: string;
  packVersion: string;
}

/** What reports show beyond the policy report itself. */
export interface ReportContext {
  provenance: Provenance;
  /** Where each finding's resource was declared (SARIF locations). */
  locate: SourceLocator;
  /** This run against the baseline given, else against the previous run's policy.json. */
  comparison?: Comparison;
}

/**
 * The context of reports written into `outDir` for a project: read before the reports are written,
 * so the previous run's policy.json there is still the previous one.
 */
export function reportContext(
  projectDir: string,
  report: PolicyReport,
  options: { outDir: string; baseline?: { file: string; baseline: Baseline }; provenance?: RunProvenance },
): ReportContext {
  const previousFile = path.join(options.outDir, "policy.json");
  const previous = options.baseline ? undefined : readPreviousReport(previousFile, report.stack);
  // Named from the project where it is inside it: reports travel, the machine's folders need not.
  const shown = (file: string) => {
    const relative = path.relative(projectDir, path.resolve(file));
    return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
  };
  const comparison = options.baseline
    ? compareFindings(report, options.baseline.baseline, "baseline", shown(options.baseline.file))
    : previous && compareFindings(report, previous, "previous run", shown(previousFile));
  return {
    provenance: {
      commit: options.provenance ? options.provenance.commit : gitCommit(projectDir),
      evaluatedAt: report.evaluatedAt,
      toolVersion: TOOL_VERSION,
      packVersion: report.packVersion,
    },
    locate: sourceLocator(projectDir, report.stack),
    comparison,
  };
}

/** Reports of a report alone (no project at hand): locations are the stack file, no commit, no comparison. */
export function bareContext(report: PolicyReport): ReportContext {
  const stackFile = { uri: `Pulumi.${report.stack}.yaml`, line: 1 };
  return {
    provenance: { evaluatedAt: report.evaluatedAt, toolVersion: TOOL_VERSION, packVersion: report.packVersion },
    locate: () => stackFile,
  };
}
