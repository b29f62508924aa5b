#!/usr/bin/env node
// The `estate` command: the CLI is TypeScript, loaded through tsx so no build step is needed.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
