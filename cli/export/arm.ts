import { catalogEntry, type CatalogEntry } from "../../infra/catalog/index.js";
import { OFFLINE_LABEL, REDACTED, type Plan, type PlanResource } from "../plan/schema.js";
import { renamesOf } from "./renames.js";
import { armOutputPath, resourceSchema, schemaTypeName, shapeResource } from "./shape.js";

export const ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const RESOURCE_GROUP_TYPE = "azure-native:resources:ResourceGroup";
/** Inputs that place a resource (its request URL) rather than describe it; the name segments come from the catalog. */
const PATH_INPUTS = ["resourceGroupName", "recordType"];

export interface ArmResource {
  type: string;
  apiVersion: string;
  /** ARM name: child resources as `parent/child`. */
  name: string;
  /** Extension resources (role assignments, locks, diagnostic settings) on a resource of the template: that resource. */
  scope?: string;
  properties?: Record<string, unknown>;
  dependsOn: string[];
  [field: string]: unknown;
}

export interface ArmParameter {
  type: "securestring";
  metadata: { description: string };
}

export interface ArmTemplate {
  $schema: string;
  contentVersion: string;
  metadata: {
    generator: string;
    stack: string;
    profile: string;
    note: string;
    /** The template is resource-group scoped: the group is the deployment's target, not a resource of it. */
    deployment: {
      scope: "resourceGroup";
      resourceGroup?: { name: string; location?: string; tags?: unknown };
      commands: string[];
    };
    /** What a deployment of this template does not do, which the estate's `pulumi up` does. */
    leftOut: string[];
    /** Plan entries that are not in the template, each with the reason. */
    skipped: Array<{ name: string; type: string; reason: string }>;
  };
  parameters: Record<string, ArmParameter>;
  resources: ArmResource[];
}

/** What `pulumi up` does that the template does not, by the kind of plan entry left out. */
const LEFT_OUT: Record<string, string> = {
  "command:local:Command":
    "service packages: building and uploading each service's zip (the app settings point at blobs the template does not upload)",
  "random:index/randomPassword:RandomPassword": "generated secrets: their values are secure parameters of the template",
  azuread: "Entra ID objects (app registrations, service principals, app role assignments): Microsoft Graph, not ARM",
  kubernetes: "Kubernetes workloads: applied through the cluster's API server, not ARM",
};

function skipReason(resource: PlanResource, entry: CatalogEntry | undefined): string {
  if (!entry) return "not in infra/catalog: ARM type and API version unknown";
  if (resource.type.startsWith("azuread:")) return "an Entra ID object: Microsoft Graph, not ARM";
  if (resource.type.startsWith("kubernetes:"))
    return "a Kubernetes object: applied through the cluster's API server, not ARM";
  return "not an Azure resource (Pulumi-only)";
}

interface Target {
  resource: PlanResource;
  entry: CatalogEntry & { arm: string };
  segments: string[];
  /** The expression of its ARM id in the template. */
  idExpression: string;
  /** The id relative to the deployment's group, interleaving types and names: what `scope` takes. */
  relativeId: string;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

function nameSegments(resource: PlanResource, entry: CatalogEntry): string[] | string {
  const segments: string[] = [];
  for (const [i, input] of entry.names.entries()) {
    if (input.startsWith("=")) segments.push(input.slice(1));
    else if (resource.inputs[input] !== undefined) segments.push(String(resource.inputs[input]));
    else if (i === entry.names.length - 1) segments.push(resource.physicalName ?? resource.name);
    else return `its ARM name segment \`${input}\` is not in its inputs`;
  }
  return segments;
}

function relativeId(armType: string, segments: string[]): string {
  const [namespace, ...types] = armType.split("/");
  return [namespace, ...types.flatMap((type, i) => [type, segments[i]])].join("/");
}

interface Token {
  value: string;
  expression: string;
  /** Its place in the sorted tokens: of two tokens found at one place, the first wins. */
  rank: number;
}

interface Searcher {
  /** Each token's expression, for a string that is one (the first token of that value). */
  whole: Map<string, string>;
  groups: Array<[prefix: string, tokens: Token[]]>;
}

/**
 * Rewrites literal values into template expressions: the ids and computed outputs of resources in
 * the template through `resourceId()`/`reference()`, the resource group's and subscription's ids
 * through `resourceGroup()`/`subscription()`, redacted secrets into secure parameters; any other
 * string starting with `[` is escaped so ARM does not read it as an expression.
 */
class Expressions {
  private readonly tokens: Array<[string, string]> = [];
  /** The search structures of the tokens as they stand: see searcher(). */
  private search?: Searcher;
  readonly parameters: Record<string, ArmParameter> = {};

  add(value: string, expression: string): void {
    this.tokens.push([value, expression]);
    this.search = undefined;
  }

  seal(): void {
    this.tokens.sort((a, b) => b[0].length - a[0].length);
    this.search = undefined;
  }

  rewrite(value: unknown, where: { resource: string; path: string[] }): unknown {
    if (Array.isArray(value))
      return value.map((v, i) => this.rewrite(v, { ...where, path: [...where.path, String(i)] }));
    if (value && typeof value === "object") {
      // Keys may hold ids too (a web test's `hidden-link:<component id>` tag, user-assigned identities).
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          const key = this.expression(k);
          return [key ? `[${key}]` : k, this.rewrite(v, { ...where, path: [...where.path, k] })];
        }),
      );
    }
    if (typeof value !== "string") return value;
    if (value === REDACTED) return `[parameters(${quote(this.secureParameter(where))})]`;
    const expression = this.expression(value);
    if (expression) return `[${expression}]`;
    return value.startsWith("[") ? `[${value}` : value;
  }

  /**
   * The tokens grouped by their first characters (as many as the shortest token has, at most 16):
   * a string is searched once for each group's prefix rather than once for each token (hundreds of
   * ids and outputs, for every string of every resource), and only where a prefix occurs are its
   * tokens compared. Each token keeps its rank in `tokens`, which settles ties.
   */
  private searcher(): Searcher {
    if (this.search) return this.search;
    const whole = new Map<string, string>();
    const groups = new Map<string, Token[]>();
    const prefixLength = Math.min(16, ...this.tokens.map(([token]) => token.length));
    this.tokens.forEach(([value, expression], rank) => {
      if (!whole.has(value)) whole.set(value, expression);
      const token = { value, expression, rank };
      const group = groups.get(value.slice(0, prefixLength));
      if (group) group.push(token);
      else groups.set(value.slice(0, prefixLength), [token]);
    });
    this.search = { whole, groups: [...groups] };
    return this.search;
  }

  /** The first token in `value` from `from` on: the leftmost, and of those starting there the first in `tokens`. */
  private firstToken(value: string, from: number): { at: number; token: Token } | undefined {
    let first: { at: number; token: Token } | undefined;
    for (const [prefix, group] of this.searcher().groups) {
      for (
        let at = value.indexOf(prefix, from);
        at >= 0 && (!first || at <= first.at);
        at = value.indexOf(prefix, at + 1)
      ) {
        const token = group.find((t) => value.startsWith(t.value, at));
        if (!token) continue;
        if (!first || at < first.at || token.rank < first.token.rank) first = { at, token };
        break;
      }
    }
    return first;
  }

  /** The expression for a string holding known values (whole or embedded), or undefined when it holds none. */
  expression(value: string): string | undefined {
    const whole = this.searcher().whole.get(value);
    if (whole !== undefined) return whole;
    const args: string[] = [];
    let format = "";
    let end = 0;
    for (let hit = this.firstToken(value, end); hit; hit = this.firstToken(value, end)) {
      format += value.slice(end, hit.at).replace(/[{}]/g, (c) => c + c) + `{${args.length}}`;
      args.push(hit.token.expression);
      end = hit.at + hit.token.value.length;
    }
    if (!args.length) return undefined;
    format += value.slice(end).replace(/[{}]/g, (c) => c + c);
    return `format(${[quote(format), ...args].join(", ")})`;
  }

  private secureParameter(where: { resource: string; path: string[] }): string {
    const base = [where.resource, ...where.path].join("-").replace(/[^A-Za-z0-9_-]+/g, "-");
    let name = base;
    for (let n = 2; this.parameters[name]; n++) name = `${base}-${n}`;
    this.parameters[name] = {
      type: "securestring",
      metadata: {
        description: `${where.path.join(".")} of ${where.resource}: a secret the plan redacts; supply it at deployment`,
      },
    };
    return name;
  }
}

/** String outputs worth a `reference()`: computed by Azure, long enough not to match plain words. */
function outputTokens(target: Target, apiVersion: string, add: (value: string, expression: string) => void): void {
  const visit = (value: unknown, path: string[]) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      return;
    }
    if (
      typeof value !== "string" ||
      value.length < 16 ||
      value === REDACTED ||
      path[0] === "id" ||
      value === target.resource.physicalName
    )
      return;
    const arm = armOutputPath(target.entry.arm, apiVersion, path);
    if (!arm) return;
    const access = arm.path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `[${quote(p)}]`)).join("");
    add(
      value,
      arm.inProperties
        ? `reference(${target.idExpression}, ${quote(target.entry.apiVersion)})${access}`
        : `reference(${target.idExpression}, ${quote(target.entry.apiVersion)}, 'Full')${access}`,
    );
  };
  visit(target.resource.outputs, []);
}

/**
 * The plan as a resource-group-scoped ARM deployment template: every catalogued Azure resource but
 * the resource group itself (the deployment's target), inputs put back into ARM's shape (see
 * shape.ts), references through `resourceId()`/`reference()`, secrets as secure parameters.
 */
export function toArmTemplate(plan: Plan): ArmTemplate {
  const skipped: ArmTemplate["metadata"]["skipped"] = [];
  const group = plan.resources.find((r) => r.type === RESOURCE_GROUP_TYPE);
  const groupId = typeof group?.outputs.id === "string" ? group.outputs.id : undefined;
  const subscriptionId = groupId?.match(/^\/subscriptions\/[^/]+/)?.[0];
  const targets: Target[] = [];
  for (const resource of plan.resources) {
    if (!resource.custom) {
      skipped.push({ name: resource.name, type: resource.type, reason: "component: a Pulumi grouping, not deployed" });
      continue;
    }
    const entry = catalogEntry(resource.type);
    if (!entry?.arm) {
      skipped.push({ name: resource.name, type: resource.type, reason: skipReason(resource, entry) });
      continue;
    }
    if (resource.type === RESOURCE_GROUP_TYPE) {
      const reason =
        resource === group
          ? "the deployment's target resource group: created before the deployment (metadata.deployment)"
          : "a second resource group: a resource-group-scoped template deploys into one";
      skipped.push({ name: resource.name, type: resource.type, reason });
      continue;
    }
    if (!resourceSchema(entry.arm, entry.apiVersion)) {
      skipped.push({
        name: resource.name,
        type: resource.type,
        reason: `no vendored ARM schema for ${entry.arm}@${entry.apiVersion}: run cli/export/arm-schemas/vendor.ts`,
      });
      continue;
    }
    const segments = nameSegments(resource, entry);
    if (typeof segments === "string") {
      skipped.push({ name: resource.name, type: resource.type, reason: segments });
      continue;
    }
    const scope = entry.scopeInput ? resource.inputs[entry.scopeInput] : undefined;
    if (resource.type === "azure-native:consumption:Budget" && scope !== groupId) {
      skipped.push({
        name: resource.name,
        type: resource.type,
        reason: "a budget on another scope than the deployment's resource group",
      });
      continue;
    }
    const arm = schemaTypeName(entry.arm, entry.apiVersion);
    targets.push({
      resource,
      entry: { ...entry, arm },
      segments,
      idExpression: `resourceId(${[quote(arm), ...segments.map(quote)].join(", ")})`,
      relativeId: relativeId(arm, segments),
    });
  }

  const expressions = new Expressions();
  if (groupId) expressions.add(groupId, "resourceGroup().id");
  if (subscriptionId) expressions.add(subscriptionId, "subscription().id");
  expressions.seal();
  const byId = new Map<string, Target>();
  for (const target of targets) {
    const id = target.resource.outputs.id;
    if (typeof id === "string") byId.set(id, target);
  }
  // Extension resources' ids hang off their scope's: resolved once every plain id is known.
  for (const target of targets) {
    const scope = target.entry.scopeInput ? target.resource.inputs[target.entry.scopeInput] : undefined;
    const scopeTarget = typeof scope === "string" ? byId.get(scope) : undefined;
    if (scopeTarget)
      target.idExpression = `extensionResourceId(${scopeTarget.idExpression}, ${quote(target.entry.arm)}, ${target.segments.map(quote).join(", ")})`;
    else if (target.entry.scopeInput && scope !== groupId) {
      const outside = expressions.expression(String(scope)) ?? quote(String(scope));
      target.idExpression = `extensionResourceId(${outside}, ${quote(target.entry.arm)}, ${target.segments.map(quote).join(", ")})`;
    }
  }
  for (const [id, target] of byId) expressions.add(id, target.idExpression);
  for (const target of targets) outputTokens(target, target.entry.apiVersion, (v, e) => expressions.add(v, e));
  expressions.seal();

  // `scope` takes an id relative to the deployment's group (`Microsoft.X/type/name`); one elsewhere
  // keeps its id, through subscription() (an assignment there needs a deployment at that scope).
  const groupPrefix = `${groupId}/providers/`;
  const outsideScope = (scope: string) =>
    groupId && scope.startsWith(groupPrefix)
      ? scope.slice(groupPrefix.length)
      : (expressions.rewrite(scope, { resource: "", path: [] }) as string);
  const byUrn = new Map(targets.map((t) => [t.resource.urn, t]));
  const resources = targets.map((target) => {
    const { resource, entry, segments } = target;
    const consumed = new Set([...PATH_INPUTS, ...(entry.scopeInput ? [entry.scopeInput] : [])]);
    const renames = renamesOf(entry.arm);
    for (const input of entry.names) if (!renames[input]) consumed.add(input);
    const inputs = Object.fromEntries(Object.entries(resource.inputs).filter(([key]) => !consumed.has(key)));
    const body = shapeResource(entry.arm, entry.apiVersion, inputs, renames);
    const where = { resource: segments.join("/"), path: [] };
    const scope = entry.scopeInput ? resource.inputs[entry.scopeInput] : undefined;
    const scopeTarget = typeof scope === "string" ? byId.get(scope) : undefined;
    const scopeField =
      scope === undefined || scope === groupId
        ? {}
        : { scope: scopeTarget ? scopeTarget.relativeId : outsideScope(String(scope)) };
    const dependsOn = [
      ...new Set(
        resource.dependsOn.map((urn) => byUrn.get(urn)).filter((t): t is Target => t !== undefined && t !== target),
      ),
    ];
    return {
      type: entry.arm,
      apiVersion: entry.apiVersion,
      name: segments.join("/"),
      ...scopeField,
      ...(expressions.rewrite(body, where) as Record<string, unknown>),
      dependsOn: dependsOn.map((t) => `[${t.idExpression}]`),
    } as ArmResource;
  });

  const leftOut = Object.entries(LEFT_OUT)
    .filter(([kind]) => skipped.some((s) => s.type === kind || s.type.startsWith(`${kind}:`)))
    .map(([, text]) => text);
  return {
    $schema: ARM_SCHEMA,
    contentVersion: "1.0.0.0",
    metadata: {
      generator: "estate export",
      stack: plan.stack,
      profile: plan.profile,
      note:
        `From an ${OFFLINE_LABEL}. A resource-group-scoped deployment template of the stack's Azure resources; ` +
        "what it leaves out is in leftOut and skipped. The estate deploys with `pulumi up`; this template is for tools that read ARM and for review.",
      deployment: {
        scope: "resourceGroup",
        ...(group
          ? {
              resourceGroup: {
                name: group.physicalName ?? group.name,
                location: group.inputs.location as string | undefined,
                tags: group.inputs.tags,
              },
            }
          : {}),
        commands: group
          ? [
              `az group create --name ${group.physicalName ?? group.name} --location ${String(group.inputs.location ?? "<location>")}`,
              `az deployment group create --resource-group ${group.physicalName ?? group.name} --template-file template.json`,
            ]
          : ["az deployment group create --resource-group <group> --template-file template.json"],
      },
      leftOut,
      skipped,
    },
    parameters: expressions.parameters,
    resources,
  };
}
