import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** One property of an exported `*Args` interface in infra/, and whether it carries a doc comment. */
export interface ArgsProperty {
  file: string;
  /** `Interface.property`, or `Interface.property.nested` for a member of an inline object type. */
  name: string;
  documented: boolean;
}

const ROOT = path.resolve(import.meta.dirname, "..");

/** Every property (and inline object member) of every exported `*Args` interface under infra/. */
export function infraArgsProperties(root = ROOT): ArgsProperty[] {
  const files = readdirSync(path.join(root, "infra"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => path.join("infra", file))
    .sort();
  return files.flatMap((file) => argsProperties(file, readFileSync(path.join(root, file), "utf8")));
}

function argsProperties(file: string, text: string): ArgsProperty[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: ArgsProperty[] = [];
  // A member of an inline object type is documented by its own comment, or by its parent's naming it in backticks.
  const visitMembers = (members: ts.NodeArray<ts.TypeElement>, prefix: string, parentDoc: string) => {
    for (const member of members) {
      if (!ts.isPropertySignature(member)) continue;
      const key = member.name.getText(source);
      const name = `${prefix}.${key}`;
      const doc = ts
        .getJSDocCommentsAndTags(member)
        .map((comment) => comment.getText(source))
        .join("\n");
      found.push({ file, name, documented: doc !== "" || parentDoc.includes(`\`${key}\``) });
      if (member.type && ts.isTypeLiteralNode(member.type)) visitMembers(member.type.members, name, doc);
    }
  };
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement) || !statement.name.text.endsWith("Args")) continue;
    if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    visitMembers(statement.members, statement.name.text, "");
  }
  return found;
}

/** Share of the properties with a doc comment, in percent. */
export function documentedPercent(properties: ArgsProperty[]): number {
  return (100 * properties.filter((p) => p.documented).length) / properties.length;
}
