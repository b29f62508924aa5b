/**
 * API Management policy documents as element trees, read with fast-xml-parser. A document may hold
 * policy expressions, C# in `@(…)` or `@{…}` as attribute values or text
 * (https://learn.microsoft.com/azure/api-management/api-management-policy-expressions). In the
 * `xml` format they are XML-escaped (`&quot;`); in `rawxml` they are not, so `"`, `<` and `&&`
 * appear raw inside an attribute or an element. Before parsing, every expression is read as C#
 * (strings, characters, comments and brackets, entity references taken as the characters they
 * stand for) and written back escaped, so both formats read alike.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export interface PolicyElement {
  name: string;
  attributes: Record<string, string>;
  children: PolicyNode[];
}
export type PolicyNode = PolicyElement | string;

export interface PolicyDocument {
  /** The document's root element (`<policies>`): undefined when the value is empty, a link or unreadable. */
  root?: PolicyElement;
  /** Why the value is not a well-formed document, with the line and column. */
  error?: string;
  /** The policy's `format` is `xml-link` or `rawxml-link`: `value` is a URL, not a document. */
  link?: boolean;
}

/** The five entities XML predefines, and numeric character references. */
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const REFERENCE = "&(?:#(\\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));";
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const character = (_whole: string, decimal?: string, hex?: string, named?: string) =>
  named ? ENTITIES[named]! : String.fromCodePoint(decimal ? Number(decimal) : parseInt(hex!, 16));

/**
 * How the parser decodes references: the XML ones only. A document type's own entities are not
 * expanded (policy documents have none, and expanding them is how XML bombs work).
 */
const entityDecoder = {
  decode: (text: string) => text.replace(new RegExp(REFERENCE, "g"), character),
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
};

const REFERENCE_AT = new RegExp(REFERENCE, "y");

/** The character at `index` as a C# expression sees it, and how many characters of the document it spans. */
function charAt(xml: string, index: number): [string, number] {
  if (xml[index] === "&") {
    REFERENCE_AT.lastIndex = index;
    const reference = REFERENCE_AT.exec(xml);
    if (reference) {
      const [whole, decimal, hex, named] = reference;
      return [character(whole, decimal, hex, named), whole.length];
    }
  }
  return [xml[index]!, 1];
}

type Frame = { code: string } | { string: "regular" | "verbatim"; interpolated: boolean };
const CLOSING: Record<string, string> = { "(": ")", "{": "}", "[": "]" };

/**
 * The policy expression starting at `start` (`@(` or `@{`): its C# text and the document index
 * after it, or undefined when its brackets never close.
 */
function readExpression(xml: string, start: number): { code: string; end: number } | undefined {
  let index = start + 1;
  let code = "@";
  const stack: Frame[] = [];
  const peek = () => (index < xml.length ? charAt(xml, index)[0] : "");
  const next = () => {
    const [char, length] = charAt(xml, index);
    index += length;
    code += char;
    return char;
  };
  const skipUntil = (end: string) => {
    while (index < xml.length && !code.endsWith(end)) next();
  };
  stack.push({ code: CLOSING[next()]! });
  while (index < xml.length) {
    const frame = stack.at(-1)!;
    const char = next();
    if ("string" in frame) {
      if (char === "\\" && frame.string === "regular") next();
      else if (char === '"' && frame.string === "verbatim" && peek() === '"') next();
      else if (char === '"') stack.pop();
      else if (frame.interpolated && (char === "{" || char === "}") && peek() === char) next();
      else if (frame.interpolated && char === "{") stack.push({ code: "}" });
    } else if (char === '"') {
      const prefix = code.slice(-3, -1);
      stack.push({
        string: prefix.endsWith("@") || prefix === "@$" ? "verbatim" : "regular",
        interpolated: prefix.includes("$"),
      });
    } else if (char === "'") {
      if (next() === "\\") next();
      while (index < xml.length && next() !== "'");
    } else if (char === "/" && peek() === "/") skipUntil("\n");
    else if (char === "/" && peek() === "*") {
      next();
      skipUntil("*/");
    } else if (CLOSING[char]) stack.push({ code: CLOSING[char]! });
    else if (char === frame.code) {
      stack.pop();
      if (!stack.length) return { code, end: index };
    }
  }
  return undefined;
}

/** The document with every policy expression XML-escaped, comments and CDATA sections left as they are. */
export function escapeExpressions(xml: string): string {
  let out = "";
  let index = 0;
  // Where the scan is: element content, inside a tag, or inside an attribute value quoted with " or '.
  let state: "text" | "tag" | '"' | "'" = "text";
  const copyThrough = (end: string) => {
    const stop = xml.indexOf(end, index);
    const after = stop < 0 ? xml.length : stop + end.length;
    out += xml.slice(index, after);
    index = after;
  };
  while (index < xml.length) {
    const char = xml[index]!;
    if (state === "text" && xml.startsWith("<!--", index)) copyThrough("-->");
    else if (state === "text" && xml.startsWith("<![CDATA[", index)) copyThrough("]]>");
    else {
      const expression =
        state !== "tag" && char === "@" && (xml[index + 1] === "(" || xml[index + 1] === "{")
          ? readExpression(xml, index)
          : undefined;
      if (expression) {
        out += escape(expression.code);
        index = expression.end;
        continue;
      }
      if (state === "text" && char === "<") state = "tag";
      else if (state === "tag" && (char === '"' || char === "'")) state = char;
      else if (state === "tag" && char === ">") state = "text";
      else if ((state === '"' || state === "'") && char === state) state = "tag";
      out += char;
      index += 1;
    }
  }
  return out;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  entityDecoder,
});

type Parsed = Record<string, unknown> & { ":@"?: Record<string, string> };

function toNode(entry: Parsed): PolicyNode | undefined {
  const name = Object.keys(entry).find((key) => key !== ":@")!;
  if (name === "#text") return String(entry[name]);
  const children = (entry[name] as Parsed[]).map(toNode).filter((node) => node !== undefined);
  return { name, attributes: entry[":@"] ?? {}, children };
}

/** A policy document's XML as an element tree, or why it is not well-formed. */
export function parsePolicyXml(xml: string): PolicyDocument {
  if (xml.trim() === "") return {};
  const escaped = escapeExpressions(xml);
  const verdict = XMLValidator.validate(escaped);
  if (verdict !== true) return { error: `line ${verdict.err.line}, column ${verdict.err.col}: ${verdict.err.msg}` };
  const roots = (parser.parse(escaped) as Parsed[]).map(toNode).filter((node) => typeof node === "object");
  return roots.length === 1 ? { root: roots[0] } : { error: `expected one root element, found ${roots.length}` };
}

/** Documents already read, by their text: a stack's few policies are read by many rules. */
const read = new Map<string, PolicyDocument>();

/** The document in a policy resource's `value` (read once per text; never change what it returns). */
export function policyDocument(inputs: Record<string, unknown>): PolicyDocument {
  if (/-link$/i.test(String(inputs.format ?? ""))) return { link: true };
  const xml = String(inputs.value ?? "");
  let document = read.get(xml);
  if (!document) {
    if (read.size >= 500) read.clear();
    document = parsePolicyXml(xml);
    read.set(xml, document);
  }
  return document;
}

/** Whether a node is an element (named one of `names`, when given). */
export const isElement = (node: PolicyNode | undefined, ...names: string[]): node is PolicyElement =>
  typeof node === "object" && (names.length === 0 || names.includes(node.name));

/** The elements named one of `names` in a tree or document, the root included, in document order. */
export function elementsNamed(from: PolicyElement | PolicyDocument | undefined, ...names: string[]): PolicyElement[] {
  const root = from && "children" in from ? from : from?.root;
  if (!root) return [];
  const found: PolicyElement[] = [];
  const visit = (element: PolicyElement) => {
    if (names.includes(element.name)) found.push(element);
    for (const child of element.children) if (isElement(child)) visit(child);
  };
  visit(root);
  return found;
}

/** An element's text, its descendants' included. */
export const textOf = (element: PolicyElement): string =>
  element.children.map((child) => (isElement(child) ? textOf(child) : child)).join("");

/** An element tree as XML, every value escaped. */
export function writePolicyXml(node: PolicyNode): string {
  if (!isElement(node)) return escape(node);
  const attributes = Object.entries(node.attributes)
    .map(([name, value]) => ` ${name}="${escape(value)}"`)
    .join("");
  return node.children.length
    ? `<${node.name}${attributes}>${node.children.map(writePolicyXml).join("")}</${node.name}>`
    : `<${node.name}${attributes} />`;
}

/** A policy's XML after `edit` changed its tree (for rule examples); unreadable XML is returned as it is. */
export function editPolicyXml(xml: string, edit: (root: PolicyElement) => void): string {
  const { root } = parsePolicyXml(xml);
  if (!root) return xml;
  edit(root);
  return writePolicyXml(root);
}

/** Removes every element named `name` from a tree. */
export function removeElements(element: PolicyElement, name: string): void {
  element.children = element.children.filter((child) => !isElement(child, name));
  for (const child of element.children) if (isElement(child)) removeElements(child, name);
}
