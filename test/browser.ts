import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Flags for a headless Chromium on a machine with no display and a closed network. */
const HEADLESS_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Browsers a machine may already have, tried in order after `CHROMIUM_PATH`. */
const SYSTEM_BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

/**
 * A headless Chromium for browser tests: `CHROMIUM_PATH` if set, else a system browser, else the
 * one shipped inside the `@sparticuz/chromium` dev dependency (unpacked to the temp folder on first
 * use), so `npm test` needs nothing but Node and npm. Fails with what to do when none starts.
 */
export async function launchChromium(): Promise<Browser> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured && !existsSync(configured))
    throw new Error(`CHROMIUM_PATH is ${configured}, which does not exist; unset it or point it at a Chromium binary`);
  const system = configured ?? SYSTEM_BROWSERS.find((file) => existsSync(file));
  if (system) return chromium.launch({ executablePath: system, args: HEADLESS_ARGS });
  let bundled: string;
  try {
    const { default: packaged } = await import("@sparticuz/chromium");
    bundled = await packaged.executablePath();
  } catch (error) {
    throw new Error(
      `no Chromium found (tried CHROMIUM_PATH, ${SYSTEM_BROWSERS.join(", ")}) and the bundled one from @sparticuz/chromium did not unpack: ${(error as Error).message}. ` +
        "Run `npm ci` again, or install Chromium (Debian: apt-get install chromium) or set CHROMIUM_PATH.",
    );
  }
  return chromium.launch({ executablePath: bundled, args: HEADLESS_ARGS });
}
