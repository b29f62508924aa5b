import { escapeXml as h } from "../../infra/core/xml.js";
import { SEVERITIES } from "../../policies/model.js";
import type { PolicyReport, PolicyResult, RuleInfo } from "../../policies/evaluate.js";
import {
  controlTags,
  findings,
  FRAMEWORKS,
  mappingTags,
  ruleArea,
  ruleIndex,
  settingsOrigin,
  settingsRows,
  statusLabel,
} from "./format.js";
import { severityRank } from "../../policies/evaluate.js";
import { findingKey, resultKey, type Comparison, type FindingRef } from "./baseline.js";
import { byText } from "../output/order.js";
import { bareContext, type ReportContext } from "./context.js";

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header{background:#0b3d62;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}header p{margin:0;opacity:.85}
main{padding:16px 24px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:120px}.card b{display:block;font-size:22px}
.filters{display:flex;gap:12px;flex-wrap:wrap;align-items:end;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;margin-bottom:12px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:#57606a}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f0f3f6;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.s-violation{color:#b42318;font-weight:600}.s-warning{color:#9a6700;font-weight:600}.s-waived{color:#6e40c9}.s-pass{color:#1a7f37}.s-not-applicable{color:#57606a}
.sev{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff}.sev-critical{background:#7d1a1a}.sev-high{background:#b42318}.sev-medium{background:#bc4c00}.sev-low{background:#57606a}
.rem{color:#57606a;font-size:12px;margin-top:4px}.azure{font-size:12px;color:#0b3d62}
.charts{display:flex;gap:16px;flex-wrap:wrap;margin-bottom:16px}.chart{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px}.chart h3{margin:0 0 6px;font-size:13px}
tr.group td{background:#eef4fb;font-weight:600}.ch-new{color:#b42318;font-weight:600}.ch-fixed{color:#1a7f37;font-weight:600}.ch-unchanged{color:#57606a}.tags{font-size:11px;color:#57606a}code{font-size:12px}h2{font-size:16px;margin:20px 0 8px}`;

const SCRIPT = `
const body=document.querySelector('#findings tbody');
const rows=[...body.querySelectorAll('tr')];
const pick=(id)=>document.getElementById(id).value;
const FRAMEWORK=${JSON.stringify(FRAMEWORKS)};
const cellRow=(text)=>{const tr=document.createElement('tr');tr.className='group';const td=document.createElement('td');td.colSpan=6;td.textContent=text;tr.append(td);return tr;};
let shownRows=rows;
function group(){
  const by=pick('f-group');body.replaceChildren();
  if(by==='none'){body.append(...rows);shownRows=rows;return apply();}
  const groups=new Map();
  for(const r of rows){
    let keys=by==='rule'?[r.dataset.rule+' '+r.dataset.title]:r.dataset.controls.split('|').filter(c=>c.startsWith(by+' '));
    if(!keys.length)keys=['no '+by+' control'];
    for(const k of keys){if(!groups.has(k))groups.set(k,[]);groups.get(k).push(r);}
  }
  const keys=[...groups.keys()].sort((a,b)=>a.startsWith('no ')-b.startsWith('no ')||a.localeCompare(b,undefined,{numeric:true}));
  shownRows=[];
  for(const k of keys){
    body.append(cellRow(by==='rule'||k.startsWith('no ')?k:k+' — '+FRAMEWORK[by]));
    for(const r of groups.get(k)){const copy=r.cloneNode(true);body.append(copy);shownRows.push(copy);}
  }
  apply();
}
function apply(){
  const sev=pick('f-severity'),st=pick('f-status'),ctl=pick('f-control'),q=pick('f-text').toLowerCase();
  const rank={critical:0,high:1,medium:2,low:3};let shown=0;
  const seen=new Set();
  for(const r of shownRows){
    const okSev=sev==='all'||rank[r.dataset.severity]<=rank[sev];
    const okSt=st==='all'||(st==='findings'?['violation','warning','waived'].includes(r.dataset.status):r.dataset.status===st);
    const okCtl=ctl==='all'||r.dataset.controls.split('|').includes(ctl);
    const okQ=!q||r.textContent.toLowerCase().includes(q);
    r.hidden=!(okSev&&okSt&&okCtl&&okQ);if(!r.hidden&&!seen.has(r.dataset.i)){seen.add(r.dataset.i);shown++;}
  }
  for(const g of body.querySelectorAll('tr.group')){let n=g.nextElementSibling,any=false;while(n&&!n.classList.contains('group')){any=any||!n.hidden;n=n.nextElementSibling;}g.hidden=!any;}
  document.getElementById('shown').textContent=shown+' of '+rows.length+' results shown';
}
for(const id of ['f-severity','f-status','f-control','f-text'])document.getElementById(id).addEventListener('input',apply);
document.getElementById('f-group').addEventListener('input',group);
apply();`;

/** A horizontal bar chart as inline SVG: one labelled bar per entry, widths relative to the largest. */
function barChart(
  id: string,
  title: string,
  entries: Array<[string, number]>,
  colour: (key: string) => string,
): string {
  const barHeight = 18;
  const labelWidth = 90;
  const width = 320;
  const max = Math.max(1, ...entries.map(([, count]) => count));
  const bars = entries.map(([key, count], index) => {
    const y = index * (barHeight + 4);
    const length = Math.round(((width - labelWidth - 40) * count) / max);
    return `<g data-key="${h(key)}" data-count="${count}"><text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end" font-size="12">${h(key)}</text><rect x="${labelWidth}" y="${y}" width="${length}" height="${barHeight}" rx="3" fill="${colour(key)}"/><text x="${labelWidth + length + 4}" y="${y + 13}" font-size="12">${count}</text></g>`;
  });
  const height = Math.max(1, entries.length) * (barHeight + 4);
  return `<div class="chart"><h3>${h(title)}</h3><svg id="${id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${h(title)}">${bars.join("") || '<text x="0" y="13" font-size="12">none</text>'}</svg></div>`;
}

const SEVERITY_COLOUR: Record<string, string> = {
  critical: "#7d1a1a",
  high: "#b42318",
  medium: "#bc4c00",
  low: "#57606a",
};

function provenanceLine({ provenance }: ReportContext): string {
  const commit = provenance.commit
    ? `<span id="p-commit" title="${h(provenance.commit)}">commit ${h(provenance.commit.slice(0, 12))}</span>`
    : `<span id="p-commit">no git commit</span>`;
  return `<p id="provenance">${commit} · evaluated ${h(provenance.evaluatedAt)} · estate ${h(provenance.toolVersion)} · rule pack ${h(provenance.packVersion)}</p>`;
}

function comparisonSection(comparison: Comparison | undefined): string {
  if (!comparison)
    return `<h2>Comparison</h2><p id="comparison">No baseline given and no previous run's policy.json in the output folder: nothing to compare with.</p>`;
  const list = (label: string, items: FindingRef[]) =>
    items
      .map(
        (item) =>
          `<tr class="ch-${label}" data-change="${label}"><td class="ch-${label}">${label}</td><td>${h(item.ruleId)}</td><td><code>${h(item.name)}</code></td></tr>`,
      )
      .join("");
  return `<h2>Comparison</h2><div id="comparison"><p>Against the ${h(comparison.against)} <code>${h(comparison.file)}</code> (${h(comparison.createdAt)}):
<b id="cmp-new">${comparison.new.length}</b> new, <b id="cmp-fixed">${comparison.fixed.length}</b> fixed, <b id="cmp-unchanged">${comparison.unchanged.length}</b> unchanged failures.</p>
${comparison.new.length + comparison.fixed.length ? `<table><thead><tr><th>Change</th><th>Rule</th><th>Resource</th></tr></thead><tbody>${list("new", comparison.new)}${list("fixed", comparison.fixed)}</tbody></table>` : ""}</div>`;
}

const option = (value: string, label = value, selected = false) =>
  `<option value="${h(value)}"${selected ? " selected" : ""}>${h(label)}</option>`;

/**
 * One self-contained page for auditors: no network, no external assets (charts are inline SVG);
 * filters and grouping (by rule, by MCSB control, by CIS recommendation) run in the page.
 */
export function toHtml(report: PolicyReport, context: ReportContext = bareContext(report)): string {
  const rules = ruleIndex(report);
  const order = (r: PolicyResult) =>
    r.status === "fail"
      ? r.enforcement === "mandatory"
        ? 0
        : 1
      : r.status === "waived"
        ? 2
        : r.status === "pass"
          ? 3
          : 4;
  const results = [...report.results].sort(
    (a, b) => order(a) - order(b) || severityRank(a.severity) - severityRank(b.severity) || byText(a.ruleId, b.ruleId),
  );
  const controls = [...new Set(report.rules.flatMap(controlTags))].sort();
  const { summary } = report;
  const change = new Map<string, string>();
  for (const label of ["new", "unchanged"] as const)
    for (const item of context.comparison?.[label] ?? []) change.set(findingKey(item), label);
  const listed = findings(report);
  const chartSeverity = barChart(
    "chart-severity",
    "Findings by severity",
    SEVERITIES.map((s) => [s, listed.filter((r) => r.severity === s).length]),
    (s) => SEVERITY_COLOUR[s]!,
  );
  const areas = [...new Set(listed.map((r) => ruleArea(r.ruleId)))].sort();
  const chartArea = barChart(
    "chart-area",
    "Findings by area (EST-<AREA>)",
    areas
      .map((a): [string, number] => [a, listed.filter((r) => ruleArea(r.ruleId) === a).length])
      .sort((a, b) => b[1] - a[1] || byText(a[0], b[0])),
    () => "#0b3d62",
  );
  // What a row shows of its rule, escaped once per rule rather than once per result.
  const ruleParts = new Map<
    string,
    { controls: string; id: string; title: string; tags: string; remediation: string }
  >();
  const partsOf = (rule: RuleInfo) => {
    let parts = ruleParts.get(rule.id);
    if (!parts) {
      const controls = controlTags(rule);
      parts = {
        controls: h(controls.join("|")),
        id: h(rule.id),
        title: h(rule.title),
        tags: h([...controls, ...mappingTags(rule)].join(" · ")),
        remediation: h(rule.remediation),
      };
      ruleParts.set(rule.id, parts);
    }
    return parts;
  };
  const rows = results.map((result, index) => {
    const ruleText = partsOf(rules.get(result.ruleId)!);
    const label = statusLabel(result);
    const changed = result.status === "fail" ? change.get(resultKey(result)) : undefined;
    const waiver = result.waiver
      ? `<div class="rem">Waived by ${h(result.waiver.owner)} until ${h(result.waiver.expires)}: ${h(result.waiver.reason)}</div>`
      : "";
    return `<tr data-i="${index}" data-severity="${result.severity}" data-status="${label}" data-controls="${ruleText.controls}" data-rule="${ruleText.id}" data-title="${ruleText.title}"${changed ? ` data-change="${changed}"` : ""}>
<td class="s-${label}">${label}${result.baseline ? " (baseline)" : ""}</td><td>${changed ? `<span class="ch-${changed}">${changed}</span>` : ""}</td><td><span class="sev sev-${result.severity}">${result.severity}</span></td>
<td><b>${ruleText.id}</b> ${ruleText.title}<div class="tags">${ruleText.tags}</div></td>
<td><code>${h(result.resource.name)}</code>${result.resource.physicalName ? `<div class="azure">Azure name: <code>${h(result.resource.physicalName)}</code></div>` : ""}<div class="tags">${h(result.resource.type)}</div></td>
<td>${result.status === "not-applicable" ? "Not applicable: " : ""}${h(result.message ?? "")}${result.status === "pass" || result.status === "not-applicable" ? "" : `<div class="rem">Remediation: ${ruleText.remediation}</div>`}${waiver}</td></tr>`;
  });
  const waivers = report.waivers.length
    ? `<table id="waivers"><thead><tr><th>Rule</th><th>Resource</th><th>Owner</th><th>Expires</th><th>Status</th><th>Reason</th></tr></thead><tbody>${report.waivers
        .map(
          (w) =>
            `<tr><td>${h(w.rule)}</td><td><code>${h(w.resource)}</code></td><td>${h(w.owner)}</td><td>${h(w.expires)}</td><td>${h(w.status)}</td><td>${h(w.reason)}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : "<p>No waivers.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Policy report — ${h(report.stack)}</title><style>${STYLE}</style></head>
<body><header><h1>Policy report — stack ${h(report.stack)}, profile ${h(report.profile)}</h1>
<p>Offline plan from Pulumi's mock runtime, planned ${h(report.planCreatedAt)}</p>${provenanceLine(context)}</header>
<main><div class="cards">
<div class="card" id="c-mandatory"><b>${summary.mandatoryViolations}</b>mandatory violations</div>
<div class="card"><b>${summary.advisoryViolations}</b>warnings</div><div class="card"><b>${summary.waived}</b>waived</div>
<div class="card"><b>${summary.pass}</b>passed</div><div class="card" id="c-not-applicable"><b>${summary.notApplicable}</b>not applicable</div><div class="card"><b>${summary.rules}</b>rules · ${summary.resources} resources judged</div>
${SEVERITIES.map((s) => `<div class="card"><b>${summary.bySeverity[s].fail}</b>${s} failing</div>`).join("")}
</div>
<div class="charts">${chartSeverity}${chartArea}</div>
${comparisonSection(context.comparison)}
<h2>Results</h2>
<div class="filters">
<label>Group by<select id="f-group">${option("none", "nothing")}${option("rule")}${option("MCSB", `MCSB control (${FRAMEWORKS.MCSB})`)}${option("CIS", `CIS recommendation (${FRAMEWORKS.CIS})`)}</select></label>
<label>Minimum severity<select id="f-severity">${option("all", "all")}${SEVERITIES.map((s) => option(s)).join("")}</select></label>
<label>Status<select id="f-status">${option("findings", "violations, warnings, waived", true)}${option("all")}${["violation", "warning", "waived", "pass", "not-applicable"].map((s) => option(s)).join("")}</select></label>
<label>Control<select id="f-control">${option("all")}${controls.map((c) => option(c)).join("")}</select></label>
<label>Text<input id="f-text" type="search" placeholder="rule, resource, message"></label>
<span id="shown"></span></div>
<table id="findings"><thead><tr><th>Status</th><th>Change</th><th>Severity</th><th>Rule</th><th>Resource</th><th>Finding and remediation</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
<h2>Settings</h2><p>From ${h(settingsOrigin(report))}.</p>
<table id="settings"><thead><tr><th>Setting</th><th>Value</th></tr></thead><tbody>${settingsRows(report.settings)
    .map(([name, value]) => `<tr><td><code>${h(name)}</code></td><td>${h(value)}</td></tr>`)
    .join("")}</tbody></table>
<h2>Waivers</h2>${waivers}
</main><script>${SCRIPT}</script></body></html>
`;
}
