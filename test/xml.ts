/**
 * A small, strict XML parser for tests: it rejects what any XML processor rejects (unbalanced
 * or mismatched tags, a raw `<` or a bare `&` in text or attributes, unquoted or duplicate
 * attributes, more than one root) and returns the element tree so tests can query it.
 * Independent of infra/gateway/policy-xml.ts on purpose: it checks that module's output.
 */
export interface ParsedElement {
  name: string;
  attributes: Record<string, string>;
  children: ParsedElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (raw.includes("<")) throw new Error(`raw "<" in ${where}`);
  return raw.replace(/&([^;]*);?/g, (match, entity: string) => {
    if (!match.endsWith(";") || !(entity in ENTITIES)) throw new Error(`bad entity "${match}" in ${where}`);
    return ENTITIES[entity];
  });
}

export function parseXml(source: string): ParsedElement {
  let pos = 0;
  const fail = (message: string): never => {
    throw new Error(`XML error at offset ${pos}: ${message}`);
  };
  const skipSpace = () => {
    while (pos < source.length && /\s/.test(source[pos])) pos++;
  };
  const readName = (): string => {
    const m = NAME.exec(source.slice(pos));
    if (!m) fail("expected a name");
    pos += m![0].length;
    return m![0];
  };

  const parseElement = (): ParsedElement => {
    if (source[pos] !== "<") fail("expected <");
    pos++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = pos;
      skipSpace();
      if (source.startsWith("/>", pos)) {
        pos += 2;
        return { name, attributes, children: [], text: "" };
      }
      if (source[pos] === ">") {
        pos++;
        break;
      }
      if (pos === before) fail(`expected whitespace before an attribute of <${name}>`);
      const key = readName();
      if (key in attributes) fail(`duplicate attribute ${key} on <${name}>`);
      skipSpace();
      if (source[pos] !== "=") fail(`attribute ${key} has no value`);
      pos++;
      skipSpace();
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail(`attribute ${key} is not quoted`);
      const end = source.indexOf(quote, pos + 1);
      if (end < 0) fail(`attribute ${key} is not closed`);
      attributes[key] = decode(source.slice(pos + 1, end), `attribute ${key} of <${name}>`);
      pos = end + 1;
    }
    const children: ParsedElement[] = [];
    let text = "";
    for (;;) {
      const next = source.indexOf("<", pos);
      if (next < 0) fail(`<${name}> is not closed`);
      text += decode(source.slice(pos, next), `text of <${name}>`);
      pos = next;
      if (source.startsWith("</", pos)) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        skipSpace();
        if (source[pos] !== ">") fail(`expected > after </${closing}`);
        pos++;
        return { name, attributes, children, text: text.trim() };
      }
      children.push(parseElement());
    }
  };

  skipSpace();
  const root = parseElement();
  skipSpace();
  if (pos !== source.length) fail("content after the root element");
  return root;
}

/** Every element named `name` in document order, at any depth. */
export function findAll(root: ParsedElement, name: string): ParsedElement[] {
  const found = root.name === name ? [root] : [];
  return found.concat(...root.children.map((c) => findAll(c, name)));
}
