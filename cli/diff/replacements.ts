import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { catalogEntry } from "../../infra/catalog/index.js";

/** One rule of create-only.json: inputs Azure takes only at creation, with why and where that is stated. */
interface CreateOnlyRule {
  paths: string[];
  reason: string;
  source: string;
}

interface CreateOnlyData {
  everyType: CreateOnlyRule[];
  types: Record<string, CreateOnlyRule[]>;
}

let data: CreateOnlyData | undefined;
function createOnly(): CreateOnlyData {
  data ??= JSON.parse(
    fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "create-only.json"), "utf8"),
  ) as CreateOnlyData;
  return data;
}

/** Inputs that place a resource in its request URL besides the catalog's name segments. */
const URL_INPUTS = ["resourceGroupName", "recordType"];

/** `locations[0].isZoneRedundant` -> `locations.isZoneRedundant`: rules name inputs, not list positions. */
const withoutIndices = (inputPath: string) => inputPath.replace(/\[\d+\]/g, "");

const under = (inputPath: string, rulePath: string) =>
  inputPath === rulePath || inputPath.startsWith(`${rulePath}.`) || inputPath.startsWith(`${rulePath}[`);

/**
 * Why changing the input at `inputPath` of a resource of type `type` makes Azure create it anew, or
 * undefined when Azure updates it in place: the input is part of its ARM id (name, resource group,
 * an extension resource's scope), or create-only by create-only.json.
 */
export function replacementReason(type: string, inputPath: string): string | undefined {
  const entry = catalogEntry(type);
  const top = inputPath.split(/[.[]/)[0];
  const idInputs = [
    ...URL_INPUTS,
    ...(entry?.names.filter((n) => !n.startsWith("=")) ?? []),
    ...(entry?.scopeInput ? [entry.scopeInput] : []),
  ];
  if (idInputs.includes(top) && top === inputPath) return "part of its ARM id: a new name or place is a new resource";
  const plain = withoutIndices(inputPath);
  const rules = [...createOnly().everyType, ...(createOnly().types[type] ?? [])];
  return rules.find((rule) => rule.paths.some((p) => under(plain, p)))?.reason;
}
