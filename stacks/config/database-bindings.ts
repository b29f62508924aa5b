import type { DataConfig } from "./data.js";
import type { Report } from "./area.js";

/** What a service manifest binds: a database by name, read or read-write. */
export interface DatabaseBindings {
  sql?: { database: string };
  postgresql?: { database: string };
  mysql?: { database: string };
}

/**
 * Database bindings to an engine the stack leaves out, or to a database it does not declare,
 * each reported at the stack key to change; `who` opens the message (the manifest that binds).
 */
export function undeclaredDatabases(bindings: DatabaseBindings, data: DataConfig, who: string, report: Report): void {
  const engines: Array<["sql" | "postgresql" | "mysql", string, string[]]> = [
    ["sql", "Azure SQL", data.sql.databases.map((db) => db.name)],
    ["postgresql", "PostgreSQL", data.postgresql.databases],
    ["mysql", "MySQL", data.mysql.databases],
  ];
  for (const [key, engine, declared] of engines) {
    const binding = bindings[key];
    if (!binding) continue;
    if (!data[key].enabled)
      report(
        ["data", key, "enabled"],
        `${who} binds ${engine}, which this stack leaves out; set it true or remove the binding`,
      );
    else if (!declared.includes(binding.database))
      report(
        ["data", key, "databases"],
        `${who} binds ${engine} database "${binding.database}", which the stack does not declare (it declares ${declared.join(", ") || "none"})`,
      );
  }
}
