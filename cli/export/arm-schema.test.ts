// Every stack's export checked against Azure's published ARM template schemas (arm-schemas/, see
// its README): each resource validates against its type's definition, made strict so that a field
// ARM does not know (a flattened or renamed input left in place) fails too.
import path from "node:path";
import Ajv from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { planStack } from "../plan/stack.js";
import type { Plan } from "../plan/schema.js";
import { toArmTemplate, type ArmTemplate } from "./arm.js";
import { indexEntry, resourceSchema, schemaFile, schemaIndex } from "./shape.js";

const projectDir = path.resolve(import.meta.dirname, "../..");
const STACKS = ["prod", "chatlings", "dreamspace", "events", "feastfrenzy", "ninevectors"];

/**
 * The published schemas leave objects open (no `additionalProperties`); closing every object that
 * lists its properties turns an unknown field into an error. A discriminated union (shared
 * properties beside `oneOf` branches) is closed branch by branch, each with the shared properties.
 * Template expressions stay allowed wherever the schema allows them.
 */
function strict(node: any): any {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== "object") return node;
  const branches = node.oneOf ?? node.anyOf;
  if (node.properties && branches?.every((b: any) => !b.$ref || b.$ref.endsWith("/expression"))) {
    const { properties, required, oneOf: _o, anyOf: _a, additionalProperties: _ap, ...rest } = node;
    const merged = branches.map((b: any) =>
      b.$ref
        ? b
        : {
            ...b,
            properties: { ...properties, ...b.properties },
            required: [...(required ?? []), ...(b.required ?? [])],
          },
    );
    return strict({ ...rest, oneOf: merged });
  }
  const out: any = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "allOf" && Array.isArray(value)) {
      // The parts of an allOf are each one piece of an object: none is closed (some published
      // schemas close one, the discriminator of CDN security policy parameters, which would refuse
      // every field of the other parts).
      out.allOf = value.map((part: any) =>
        strict(
          part.properties && typeof part.additionalProperties !== "object"
            ? { ...part, additionalProperties: true }
            : part,
        ),
      );
      continue;
    }
    out[key] =
      key === "properties" && value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]))
        : strict(value);
  }
  if (out.properties && out.additionalProperties === undefined && !out.allOf) out.additionalProperties = false;
  return out;
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const files = new Set(["common/definitions.json", ...Object.values(schemaIndex().types).map((t) => t.file)]);
  // Files reached by $ref from the kept ones (common definitions, shared namespaces).
  for (const file of files) {
    const text = JSON.stringify(schemaFile(file));
    for (const match of text.matchAll(/https:\/\/schema\.management\.azure\.com\/schemas\/([^#"]+)#/g))
      files.add(match[1]);
  }
  for (const file of files) ajv.addSchema(strict(schemaFile(file)) as object);
  const compiled = new Map<string, ValidateFunction>();
  return (type: string, apiVersion: string) => {
    const entry = indexEntry(type, apiVersion)!;
    const ref = `${String(schemaFile(entry.file).id).replace(/#$/, "")}#/${entry.section}/${entry.definition}`;
    if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: ref }));
    return compiled.get(ref)!;
  };
}

/** A resource as its type's schema sees it: the template-level fields (dependsOn, scope) are the deployment schema's. */
function schemaErrors(template: ArmTemplate, check: ReturnType<typeof validator>): string[] {
  const errors: string[] = [];
  for (const resource of template.resources) {
    const { dependsOn, scope, ...body } = resource;
    const published = resourceSchema(resource.type, resource.apiVersion)!.schemaApiVersion;
    const validate = check(resource.type, resource.apiVersion);
    // The schemas constrain a child's name by its own segment (the REST path parameter); declared at
    // the template's top level its name is `parent/child`
    // (https://learn.microsoft.com/azure/azure-resource-manager/templates/child-resource-name-type).
    // Singletons' schemas (`<server>/Default`) match the full name: the form with fewer errors counts.
    const errorsWith = (name: string) =>
      validate({ ...body, name, apiVersion: published }) ? [] : [...(validate.errors ?? [])];
    const found = [errorsWith(resource.name), errorsWith(resource.name.split("/").at(-1)!)].sort(
      (x, y) => x.length - y.length,
    )[0];
    {
      for (const e of found) {
        if (e.keyword === "oneOf" || e.keyword === "$ref") continue; // the branch errors below say which field
        errors.push(
          `${resource.type} ${resource.name}: ${e.instancePath || "/"} ${e.message}${e.keyword === "additionalProperties" ? ` '${(e.params as any).additionalProperty}'` : ""}`,
        );
      }
    }
  }
  return [...new Set(errors)];
}

const mockSubscription = (plan: Plan) =>
  String(plan.resources.find((r) => r.type === "azure-native:resources:ResourceGroup")?.outputs.id).split("/")[2];

describe.each(STACKS)("the %s stack's ARM export", (stack) => {
  it("validates against the published ARM schema of every type it emits, with no literal mock id and no dangling reference", async () => {
    const plan = await planStack({ projectDir, stack });
    const template = toArmTemplate(plan);
    expect(template.resources.length).toBeGreaterThan(20);
    expect(template.metadata.skipped.filter((s) => s.reason.startsWith("no vendored ARM schema"))).toEqual([]);
    expect(schemaErrors(template, validator())).toEqual([]);
    const text = JSON.stringify(template);
    expect(text).not.toContain(mockSubscription(plan));
    expect(text).not.toContain('"[secret]"');
    expect(text).not.toContain("/unknown/");
    // Every dependsOn and resourceId() names a resource of the template.
    const ids = new Set(template.resources.map((r) => `${r.type}|${r.name}`));
    for (const match of text.matchAll(/(?<!extensionResourceId\()resourceId\('([^']+)', ((?:'[^']*'(?:, )?)+)\)/g)) {
      const name = [...match[2].matchAll(/'([^']*)'/g)].map((m) => m[1]).join("/");
      expect(
        ids.has(`${match[1]}|${name}`),
        `resourceId('${match[1]}', ${match[2]}) names no resource of the template`,
      ).toBe(true);
    }
    for (const r of template.resources)
      for (const d of r.dependsOn) expect(d).toMatch(/^\[(resourceId|extensionResourceId)\(/);
    for (const [name, parameter] of Object.entries(template.parameters)) {
      expect(parameter.type, name).toBe("securestring");
      expect(text).toContain(`parameters('${name}')`);
    }
  }, 120_000);
});
