import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import type { Plan } from "../plan/schema.js";
import { buildGraph, graphNodes, toDot, toMermaid, type GraphView } from "./graph.js";

/**
 * SVG from DOT with Graphviz compiled to WebAssembly (@viz-js/viz): offline, no `dot` binary
 * needed. Loaded only here: it is most of the CLI's code, and every other command would pay for
 * reading it. @viz-js/viz rather than @hpcc-js/wasm-graphviz: the latter decodes its embedded
 * WebAssembly in JavaScript at every load, which took longer than the rest of `estate graph`.
 */
export async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import("@viz-js/viz");
  return baselineOnly(async () => (await instance()).renderString(dot, { format: "svg" }));
}

/**
 * Runs WebAssembly compiled by V8's baseline compiler (Liftoff) only. By default V8 recompiles
 * the functions that run most with its optimising compiler, in the background, and Node waits
 * for that before it exits: for one layout, longer than the layout itself (bench/policy). The
 * flags are set back afterwards, with the two that --liftoff-only turns off: V8 refuses a code
 * cache made under other flags, and the CLI's (bin/cli-bundle.js) may be written at exit.
 */
async function baselineOnly<T>(run: () => Promise<T>): Promise<T> {
  v8.setFlagsFromString("--liftoff-only");
  try {
    return await run();
  } finally {
    v8.setFlagsFromString("--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering");
  }
}

export interface GraphFiles {
  mermaid: string;
  dot: string;
  svg: string;
  view: GraphView;
  nodes: number;
  edges: number;
}

/** Writes graph.mmd, graph.dot and graph.svg of one view of a plan into `outDir`. */
export async function writeGraph(outDir: string, plan: Plan, view: GraphView = "components"): Promise<GraphFiles> {
  const graph = buildGraph(plan, view);
  const dot = toDot(graph);
  mkdirSync(outDir, { recursive: true });
  const files = {
    mermaid: path.join(outDir, "graph.mmd"),
    dot: path.join(outDir, "graph.dot"),
    svg: path.join(outDir, "graph.svg"),
  };
  writeFileSync(files.mermaid, toMermaid(graph));
  writeFileSync(files.dot, dot);
  writeFileSync(files.svg, await renderSvg(dot));
  return { ...files, view, nodes: graphNodes(graph).length, edges: graph.edges.length };
}
