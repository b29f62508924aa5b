/** XML elements as data, and their rendering: every value escaped, so no markup is hand-written text. */

import { escapeXml } from "../core/xml.js";

export interface XmlElement {
  name: string;
  attributes: Record<string, string | number | boolean>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export function el(name: string, attributes: XmlElement["attributes"] = {}, ...children: XmlNode[]): XmlElement {
  return { name, attributes, children };
}

export function renderXml(node: XmlNode, depth = 0): string {
  const pad = "  ".repeat(depth);
  if (typeof node === "string") return `${pad}${escapeXml(node)}`;
  const attrs = Object.entries(node.attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
  if (node.children.length === 0) return `${pad}<${node.name}${attrs} />`;
  if (node.children.length === 1 && typeof node.children[0] === "string") {
    return `${pad}<${node.name}${attrs}>${escapeXml(node.children[0])}</${node.name}>`;
  }
  const inner = node.children.map((child) => renderXml(child, depth + 1)).join("\n");
  return `${pad}<${node.name}${attrs}>\n${inner}\n${pad}</${node.name}>`;
}
