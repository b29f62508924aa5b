import manifest from "../package.json" with { type: "json" };

/** The estate tool's version: `estate --version`, and the provenance of every artifact it writes. */
export const TOOL_VERSION: string = manifest.version;
