import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Puts azure-native's inputs back into ARM's shape, reading the shape from Azure's published ARM
 * template schemas (the definitions vendored in `arm-schemas/`, see its README). azure-native
 * flattens every `properties` bag the REST specs mark `x-ms-client-flatten` and renames a few
 * fields: an input key the schema has at its level stays there; one it has inside that level's
 * `properties` moves in; nested objects and arrays are walked the same way.
 */

const SCHEMA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "arm-schemas");
const SCHEMA_HOST = "https://schema.management.azure.com/schemas/";
const EXPRESSION = `${SCHEMA_HOST}common/definitions.json#/definitions/expression`;

interface IndexEntry {
  file: string;
  section: string;
  definition: string;
  schemaApiVersion?: string;
}
interface SchemaIndex {
  source: string;
  commit: string;
  missing: string[];
  types: Record<string, IndexEntry>;
}

let index: SchemaIndex | undefined;
export function schemaIndex(): SchemaIndex {
  index ??= JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, "index.json"), "utf8")) as SchemaIndex;
  return index;
}

let byLowerKey: Map<string, IndexEntry> | undefined;
/** The index entry of a type at an API version; types compare case-insensitively, as ARM compares them. */
export function indexEntry(armType: string, apiVersion: string): IndexEntry | undefined {
  byLowerKey ??= new Map(Object.entries(schemaIndex().types).map(([key, entry]) => [key.toLowerCase(), entry]));
  return byLowerKey.get(`${armType}@${apiVersion}`.toLowerCase());
}

const files = new Map<string, any>();
export function schemaFile(file: string): any {
  if (!files.has(file)) files.set(file, JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8")));
  return files.get(file);
}

/** A schema node and the file its local `$ref`s resolve in. */
interface Node {
  file: string;
  schema: any;
}

function deref(node: Node): Node {
  let current = node;
  for (let hops = 0; current.schema?.$ref; hops++) {
    if (hops > 50) throw new Error(`ARM schema: $ref loop at ${current.schema.$ref}`);
    const [target, pointer] = String(current.schema.$ref).split("#");
    const file = target ? target.slice(SCHEMA_HOST.length) : current.file;
    const [, section, name] = pointer.split("/");
    current = { file, schema: schemaFile(file)[section]?.[name] };
    if (!current.schema) throw new Error(`ARM schema: ${node.schema.$ref} not vendored (run arm-schemas/vendor.ts)`);
  }
  return current;
}

/**
 * A pure function of a schema node, remembered by the node's schema object and file: the export asks
 * the same of the same definitions for every resource and every value. Callers do not change what
 * it returns.
 */
function remembered<T>(of: (node: Node) => T): (node: Node) => T {
  const memo = new WeakMap<object, Map<string, T>>();
  return (node) => {
    if (!node.schema || typeof node.schema !== "object") return of(node);
    let byFile = memo.get(node.schema);
    if (!byFile) memo.set(node.schema, (byFile = new Map()));
    if (!byFile.has(node.file)) byFile.set(node.file, of(node));
    return byFile.get(node.file)!;
  };
}

/**
 * The alternatives a node allows, template expressions left out (any value may be one). A node
 * with both its own properties and `oneOf` (a discriminated union: Cosmos backup policies, metric
 * alert criteria, a site's config by name) allows each branch together with the shared properties.
 */
export const alternatives: (node: Node) => Node[] = remembered((node) => {
  const resolved = deref(node);
  const choices = resolved.schema?.oneOf ?? resolved.schema?.anyOf;
  if (!choices) return [resolved];
  const { oneOf: _oneOf, anyOf: _anyOf, ...base } = resolved.schema;
  const shared = base.properties || base.allOf;
  return (choices as any[])
    .filter((c) => c.$ref !== EXPRESSION)
    .flatMap((c) => alternatives({ file: resolved.file, schema: c }))
    .map((branch) =>
      shared && branch.file === resolved.file
        ? { file: branch.file, schema: { allOf: [base, branch.schema] } }
        : branch,
    );
});

/** An object schema's properties, `allOf` parts merged. */
const propertiesOf: (node: Node) => ReadonlyMap<string, Node> = remembered((node) => {
  const out = new Map<string, Node>();
  const resolved = deref(node);
  for (const part of resolved.schema?.allOf ?? [])
    for (const [k, v] of propertiesOf({ file: resolved.file, schema: part })) out.set(k, v);
  for (const [k, v] of Object.entries(resolved.schema?.properties ?? {}))
    out.set(k, { file: resolved.file, schema: v });
  return out;
});

const hasProperties = (schema: any) => Boolean(schema.allOf || Object.keys(schema.properties ?? {}).length);

const ENVELOPE = ["type", "apiVersion", "name"];
const NO_PROPERTIES: ReadonlyMap<string, Node> = new Map();

const loose = (key: string) => key.replace(/[._-]/g, "").toLowerCase();

function matchKey(props: ReadonlyMap<string, Node>, key: string): string | undefined {
  if (props.has(key)) return key;
  return [...props.keys()].find((k) => loose(k) === loose(key));
}

/** For a discriminated union (metric alert criteria, ...): the alternative whose fields fit the value best. */
function bestObject(value: Record<string, unknown>, node: Node): Node | undefined {
  const objects = alternatives(node).filter(
    (n) => n.schema?.properties || n.schema?.allOf || n.schema?.additionalProperties,
  );
  let best: Node | undefined;
  let bestScore = -1;
  for (const candidate of objects) {
    const props = propertiesOf(candidate);
    const bag = props.get("properties");
    const bagProps = bag ? propertiesOf(alternatives(bag)[0]) : NO_PROPERTIES;
    let score = 0;
    for (const [key, inner] of Object.entries(value)) {
      const own = matchKey(props, key);
      if (own) {
        const allowed = alternatives(props.get(own)!).flatMap((n) => n.schema?.enum ?? []);
        if (allowed.length && typeof inner === "string" && !allowed.includes(inner)) {
          score = -1;
          break;
        }
        score += 2;
      } else if (matchKey(bagProps, key)) score += 1;
    }
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

/**
 * azure-native input name -> ARM name, where the REST spec's `x-ms-client-name` renamed it: keyed
 * by the input name anywhere in the resource, or by `<ARM property>.<input name>` only inside that
 * property (array items included).
 */
export interface Renames {
  [inputName: string]: string;
}

function place(value: unknown, node: Node | undefined, renames: Renames, within: string): unknown {
  if (!node) return value;
  if (Array.isArray(value)) {
    const items = alternatives(node).find((n) => n.schema?.items)?.schema.items;
    const file = alternatives(node).find((n) => n.schema?.items)?.file;
    if (items) return value.map((v) => place(v, { file: file!, schema: items }, renames, within));
    // azure-native takes user-assigned identities as a list of ids; ARM as a map of id -> {}.
    const map = alternatives(node).some(
      (n) => n.schema?.type === "object" && n.schema.additionalProperties && !hasProperties(n.schema),
    );
    return map && value.every((v) => typeof v === "string") ? Object.fromEntries(value.map((v) => [v, {}])) : value;
  }
  if (!value || typeof value !== "object") return value;
  const object = bestObject(value as Record<string, unknown>, node);
  if (!object) return value;
  if (
    !hasProperties(object.schema) &&
    object.schema.additionalProperties &&
    typeof object.schema.additionalProperties === "object"
  ) {
    const values = { file: object.file, schema: object.schema.additionalProperties };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, place(v, values, renames, within)]));
  }
  return placeObject(value as Record<string, unknown>, object, renames, within);
}

function placeObject(
  input: Record<string, unknown>,
  node: Node,
  renames: Renames,
  within = "",
): Record<string, unknown> {
  // A resource's own `type`, `apiVersion` and `name` are the template's: an input of that name (an
  // agent pool's `type`) is one of its properties.
  const props =
    within === "" ? new Map([...propertiesOf(node)].filter(([key]) => !ENVELOPE.includes(key))) : propertiesOf(node);
  const bagNode = props.get("properties");
  const bag = bagNode ? bestObject(input, bagNode) : undefined;
  const bagProps = bag ? propertiesOf(bag) : NO_PROPERTIES;
  const out: Record<string, unknown> = {};
  const inner: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === "properties" && bagNode && value && typeof value === "object" && !Array.isArray(value)) {
      // azure-native keeps this bag unflattened for the type: shape its contents in place.
      Object.assign(inner, bag ? placeObject(value as Record<string, unknown>, bag, renames, "properties") : value);
      continue;
    }
    const wanted = renames[`${within}.${key}`] ?? renames[key] ?? key;
    const exactOwn = props.has(wanted) ? wanted : undefined;
    const exactBag = !exactOwn && bagProps.has(wanted) ? wanted : undefined;
    const own = exactOwn ?? (exactBag ? undefined : matchKey(props, wanted));
    if (own && own !== "properties") out[own] = place(value, props.get(own), renames, own);
    else {
      const armKey = exactBag ?? matchKey(bagProps, wanted);
      if (armKey) inner[armKey] = place(value, bagProps.get(armKey), renames, armKey);
      else out[key] = value; // unknown to the schema: kept, and the schema tests name it
    }
  }
  return Object.keys(inner).length ? { ...out, properties: inner } : out;
}

/** The resource definition the exporter shapes `armType`'s inputs by, and the API version it was published for. */
export function resourceSchema(
  armType: string,
  apiVersion: string,
): { node: Node; schemaApiVersion: string } | undefined {
  const entry = indexEntry(armType, apiVersion);
  if (!entry) return undefined;
  return {
    node: { file: entry.file, schema: schemaFile(entry.file)[entry.section][entry.definition] },
    schemaApiVersion: entry.schemaApiVersion ?? apiVersion,
  };
}

/** A resource's inputs (name segments and scope already taken out) as an ARM resource body: top-level fields and `properties`. */
export function shapeResource(
  armType: string,
  apiVersion: string,
  inputs: Record<string, unknown>,
  renames: Renames = {},
): Record<string, unknown> {
  const schema = resourceSchema(armType, apiVersion);
  if (!schema)
    throw new Error(`${armType}@${apiVersion}: no vendored ARM schema; run cli/export/arm-schemas/vendor.ts`);
  const body = placeObject(inputs, bestObject(inputs, schema.node) ?? schema.node, renames);
  const required: string[] = alternatives(schema.node).flatMap((n) => n.schema?.required ?? []);
  return required.includes("properties") && !body.properties ? { ...body, properties: {} } : body;
}

/** The type as the published schema spells it (ARM types are case-insensitive; the catalog's casing may differ). */
export function schemaTypeName(armType: string, apiVersion: string): string {
  const schema = resourceSchema(armType, apiVersion);
  const names: string[] = schema
    ? [...(propertiesOf(alternatives(schema.node)[0]).get("type")?.schema?.enum ?? [])]
    : [];
  return names.find((n) => n.toLowerCase() === armType.toLowerCase()) ?? armType;
}

/**
 * The ARM path of an azure-native output: a resource's own field (`identity.principalId`) or one of
 * its `properties` (`instrumentationKey` -> `InstrumentationKey`). The schemas describe what a
 * template sets, not read-only outputs (`primaryEndpoints`, `connectionString`): those keep
 * azure-native's name, which ARM's property access matches case-insensitively.
 */
export function armOutputPath(
  armType: string,
  apiVersion: string,
  outputPath: string[],
): { inProperties: boolean; path: string[] } | undefined {
  const schema = resourceSchema(armType, apiVersion);
  if (!schema || !outputPath.length) return undefined;
  const props = propertiesOf(alternatives(schema.node)[0]);
  const [first, ...rest] = outputPath;
  if ((props.has(first) && first !== "properties") || RESOURCE_FIELDS.includes(first))
    return { inProperties: false, path: outputPath };
  const bag = props.get("properties");
  const key = bag ? matchKey(propertiesOf(alternatives(bag)[0]), first) : undefined;
  return { inProperties: true, path: [key ?? first, ...rest] };
}

/** Fields of every ARM resource beside `properties`, read-only ones included. */
const RESOURCE_FIELDS = ["identity", "sku", "kind", "location", "tags", "zones", "systemData", "etag"];
