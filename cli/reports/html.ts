import { SEVERITIES } from "../../policies/model.js";
import type { PolicyReport, PolicyResult } from "../../policies/evaluate.js";
import { controlTags, escapeXml as h, mappingTags, ruleIndex, settingsOrigin, settingsRows, statusLabel } from "./format.js";
import { severityRank } from "../../policies/evaluate.js";

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
.rem{color:#57606a;font-size:12px;margin-top:4px}.tags{font-size:11px;color:#57606a}code{font-size:12px}h2{font-size:16px;margin:20px 0 8px}`;

const SCRIPT = `
const rows=[...document.querySelectorAll('#findings tbody tr')];
const pick=(id)=>document.getElementById(id).value;
function apply(){
  const sev=pick('f-severity'),st=pick('f-status'),ctl=pick('f-control'),q=pick('f-text').toLowerCase();
  const rank={critical:0,high:1,medium:2,low:3};let shown=0;
  for(const r of rows){
    const okSev=sev==='all'||rank[r.dataset.severity]<=rank[sev];
    const okSt=st==='all'||(st==='findings'?['violation','warning','waived'].includes(r.dataset.status):r.dataset.status===st);
    const okCtl=ctl==='all'||r.dataset.controls.split('|').includes(ctl);
    const okQ=!q||r.textContent.toLowerCase().includes(q);
    r.hidden=!(okSev&&okSt&&okCtl&&okQ);if(!r.hidden)shown++;
  }
  document.getElementById('shown').textContent=shown+' of '+rows.length+' results shown';
}
for(const id of ['f-severity','f-status','f-control','f-text'])document.getElementById(id).addEventListener('input',apply);
apply();`;

const option = (value: string, label = value, selected = false) => `<option value="${h(value)}"${selected ? " selected" : ""}>${h(label)}</option>`;

/** One self-contained page for auditors: no network, no external assets; filters run in the page. */
export function toHtml(report: PolicyReport): string {
  const rules = ruleIndex(report);
  const order = (r: PolicyResult) => (r.status === "fail" ? (r.enforcement === "mandatory" ? 0 : 1) : r.status === "waived" ? 2 : r.status === "pass" ? 3 : 4);
  const results = [...report.results].sort((a, b) => order(a) - order(b) || severityRank(a.severity) - severityRank(b.severity) || a.ruleId.localeCompare(b.ruleId));
  const controls = [...new Set(report.rules.flatMap(controlTags))].sort();
  const { summary } = report;
  const rows = results.map((result) => {
    const rule = rules.get(result.ruleId)!;
    const label = statusLabel(result);
    const waiver = result.waiver ? `<div class="rem">Waived by ${h(result.waiver.owner)} until ${h(result.waiver.expires)}: ${h(result.waiver.reason)}</div>` : "";
    return `<tr data-severity="${result.severity}" data-status="${label}" data-controls="${h(controlTags(rule).join("|"))}" data-rule="${h(rule.id)}">
<td class="s-${label}">${label}${result.baseline ? " (baseline)" : ""}</td><td><span class="sev sev-${result.severity}">${result.severity}</span></td>
<td><b>${h(rule.id)}</b> ${h(rule.title)}<div class="tags">${h([...controlTags(rule), ...mappingTags(rule)].join(" · "))}</div></td>
<td><code>${h(result.resource.name)}</code><div class="tags">${h(result.resource.type)}</div></td>
<td>${result.status === "not-applicable" ? "Not applicable: " : ""}${h(result.message ?? "")}${result.status === "pass" || result.status === "not-applicable" ? "" : `<div class="rem">Remediation: ${h(rule.remediation)}</div>`}${waiver}</td></tr>`;
  });
  const waivers = report.waivers.length
    ? `<table id="waivers"><thead><tr><th>Rule</th><th>Resource</th><th>Owner</th><th>Expires</th><th>Status</th><th>Reason</th></tr></thead><tbody>${report.waivers
        .map((w) => `<tr><td>${h(w.rule)}</td><td><code>${h(w.resource)}</code></td><td>${h(w.owner)}</td><td>${h(w.expires)}</td><td>${h(w.status)}</td><td>${h(w.reason)}</td></tr>`)
        .join("")}</tbody></table>`
    : "<p>No waivers.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Policy report — ${h(report.stack)}</title><style>${STYLE}</style></head>
<body><header><h1>Policy report — stack ${h(report.stack)}, profile ${h(report.profile)}</h1>
<p>Offline plan from Pulumi's mock runtime, planned ${h(report.planCreatedAt)} · rule pack ${h(report.packVersion)} · evaluated ${h(report.evaluatedAt)}</p></header>
<main><div class="cards">
<div class="card" id="c-mandatory"><b>${summary.mandatoryViolations}</b>mandatory violations</div>
<div class="card"><b>${summary.advisoryViolations}</b>warnings</div><div class="card"><b>${summary.waived}</b>waived</div>
<div class="card"><b>${summary.pass}</b>passed</div><div class="card" id="c-not-applicable"><b>${summary.notApplicable}</b>not applicable</div><div class="card"><b>${summary.rules}</b>rules · ${summary.resources} resources</div>
${SEVERITIES.map((s) => `<div class="card"><b>${summary.bySeverity[s].fail}</b>${s} failing</div>`).join("")}
</div>
<div class="filters">
<label>Minimum severity<select id="f-severity">${option("all", "all")}${SEVERITIES.map((s) => option(s)).join("")}</select></label>
<label>Status<select id="f-status">${option("findings", "violations, warnings, waived", true)}${option("all")}${["violation", "warning", "waived", "pass", "not-applicable"].map((s) => option(s)).join("")}</select></label>
<label>Control<select id="f-control">${option("all")}${controls.map((c) => option(c)).join("")}</select></label>
<label>Text<input id="f-text" type="search" placeholder="rule, resource, message"></label>
<span id="shown"></span></div>
<table id="findings"><thead><tr><th>Status</th><th>Severity</th><th>Rule</th><th>Resource</th><th>Finding and remediation</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
<h2>Settings</h2><p>From ${h(settingsOrigin(report))}.</p>
<table id="settings"><thead><tr><th>Setting</th><th>Value</th></tr></thead><tbody>${settingsRows(report.settings).map(([name, value]) => `<tr><td><code>${h(name)}</code></td><td>${h(value)}</td></tr>`).join("")}</tbody></table>
<h2>Waivers</h2>${waivers}
</main><script>${SCRIPT}</script></body></html>
`;
}
