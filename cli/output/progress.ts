import type { Ora } from "ora";

/**
 * Progress on long work: a spinner on an interactive terminal, nothing when output is piped,
 * the terminal has no width, or `CI` is set (logs stay clean), and always on stderr so stdout stays machine-readable.
 */
export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
}

export function showProgress(): boolean {
  // A terminal that reports no width (some pseudo-terminals) would make the spinner erase
  // "infinitely many" wrapped lines on every frame.
  return Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0 && !process.env.CI;
}

async function startProgress(text: string): Promise<Progress> {
  if (!showProgress()) return { update() {}, succeed() {}, fail() {} };
  // Loaded only for a terminal that shows it: piped and CI runs never pay for the spinner.
  const { default: ora } = await import("ora");
  const spinner: Ora = ora({ text, stream: process.stderr }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    succeed: (t) => spinner.succeed(t),
    fail: (t) => spinner.fail(t),
  };
}

/**
 * Runs `work` under a progress line. When it throws, the line ends with `failText` before the error
 * goes on to main's handler: a spinner left running would keep an interactive process alive.
 */
export async function withProgress<T>(
  text: string,
  failText: string,
  work: (progress: Progress) => Promise<T>,
): Promise<T> {
  const progress = await startProgress(text);
  try {
    return await work(progress);
  } catch (error) {
    progress.fail(failText);
    throw error;
  }
}

/** The progress callback of an offline plan: `Planning dev offline… 42 resources`. */
export const planningProgress = (progress: Progress, ref: string) => (resources: number) =>
  progress.update(`Planning ${ref} offline… ${resources} resources`);
