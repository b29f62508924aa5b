/**
 * A small JSON Schema (draft-04) validator, enough for the SARIF 2.1.0 schema: $ref into
 * definitions, type, enum, const, properties, required, additionalProperties, items, minItems,
 * uniqueItems, minimum, pattern, format uri/date-time, anyOf/oneOf/allOf. Used by tests to check
 * the reports against their published schemas without adding a dependency.
 */
type Schema = Record<string, any>;

export function validateJson(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith("#/")) throw new Error(`json-schema: only local $ref is supported, got ${ref}`);
    return ref
      .slice(2)
      .split("/")
      .reduce<any>((node, key) => node?.[key], root);
  };
  const typeOf = (v: unknown) =>
    v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
  const matchesType = (v: unknown, type: string) => typeOf(v) === type || (type === "number" && typeof v === "number");

  function check(schema: Schema, v: unknown, at: string, out: string[]): void {
    if (schema.$ref) return check(resolve(schema.$ref), v, at, out);
    if (schema.type) {
      const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => matchesType(v, t)))
        return void out.push(`${at}: expected ${types.join("|")}, got ${typeOf(v)}`);
    }
    if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v)))
      out.push(`${at}: ${JSON.stringify(v)} not in enum`);
    if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(v))
      out.push(`${at}: expected ${JSON.stringify(schema.const)}`);
    if (typeof v === "string") {
      if (schema.pattern && !new RegExp(schema.pattern, "u").test(v))
        out.push(`${at}: does not match ${schema.pattern}`);
      if (schema.format === "date-time" && Number.isNaN(Date.parse(v))) out.push(`${at}: not a date-time`);
      if (schema.format === "uri" && !/^[a-z][a-z0-9+.-]*:/i.test(v)) out.push(`${at}: not an absolute URI`);
      if (schema.format === "uri-reference" && /\s/.test(v)) out.push(`${at}: not a URI reference`);
    }
    if (typeof v === "number" && typeof schema.minimum === "number" && v < schema.minimum)
      out.push(`${at}: below minimum ${schema.minimum}`);
    if (Array.isArray(v)) {
      if (typeof schema.minItems === "number" && v.length < schema.minItems)
        out.push(`${at}: fewer than ${schema.minItems} items`);
      if (schema.uniqueItems && new Set(v.map((item) => JSON.stringify(item))).size !== v.length)
        out.push(`${at}: items are not unique`);
      if (schema.items) v.forEach((item, index) => check(schema.items, item, `${at}[${index}]`, out));
    }
    if (typeOf(v) === "object") {
      const object = v as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in object)) out.push(`${at}: missing required ${key}`);
      for (const [key, item] of Object.entries(object)) {
        if (schema.properties?.[key]) check(schema.properties[key], item, `${at}.${key}`, out);
        else if (schema.additionalProperties === false) out.push(`${at}: unexpected property ${key}`);
        else if (typeof schema.additionalProperties === "object")
          check(schema.additionalProperties, item, `${at}.${key}`, out);
      }
    }
    const passing = (list: Schema[]) =>
      list.filter((sub) => {
        const inner: string[] = [];
        check(sub, v, at, inner);
        return inner.length === 0;
      }).length;
    if (schema.allOf) for (const sub of schema.allOf) check(sub, v, at, out);
    if (schema.anyOf && passing(schema.anyOf) === 0) out.push(`${at}: matches none of anyOf`);
    if (schema.oneOf && passing(schema.oneOf) !== 1) out.push(`${at}: must match exactly one of oneOf`);
  }

  check(root, value, "$", errors);
  return errors;
}
