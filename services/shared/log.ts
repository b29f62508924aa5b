// Structured JSON log lines: App Insights and Log Analytics parse them into custom dimensions.
export type LogLevel = "debug" | "info" | "warn" | "error";

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger =
  (write: (line: string) => void = (line) => process.stderr.write(line + "\n")): Logger =>
  (level, message, fields = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));

export const silentLogger: Logger = () => {};
