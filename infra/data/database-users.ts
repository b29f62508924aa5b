import * as pulumi from "@pulumi/pulumi";

/** What an app may do in a database: read, or read and change rows (never change the schema). */
export type DatabaseAccess = "read" | "readwrite";

/**
 * The statements that give one Entra identity its database user. ARM cannot run them: Azure SQL
 * contained users, PostgreSQL Entra roles and MySQL Entra users exist only inside the server, so
 * the server's Entra administrator runs these after the estate is deployed (the stack exports
 * them as `databaseUsers`). Nothing in the estate runs them or claims they ran.
 */
export interface DatabaseUserStep {
  engine: "sql" | "postgresql" | "mysql";
  /** The server's host name, where the administrator connects. */
  server: pulumi.Output<string>;
  /** The database they are about (PostgreSQL's statements are a psql script that connects to postgres first). */
  database: string;
  /** The identity's name: the database user. */
  user: string;
  statements: pulumi.Output<string[]>;
}

/** T-SQL identifiers are bracketed, ] doubled. */
const bracket = (name: string) => `[${name.replace(/]/g, "]]")}]`;
/** PostgreSQL identifiers are double-quoted, " doubled; literals single-quoted, ' doubled. */
const pgIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const mysqlIdentifier = (name: string) => `\`${name.replace(/`/g, "``")}\``;

/**
 * Azure SQL: a contained user for the managed identity, by its name, with the fixed database roles
 * (https://learn.microsoft.com/azure/azure-sql/database/authentication-aad-configure#create-contained-users-mapped-to-azure-ad-identities,
 * https://learn.microsoft.com/sql/relational-databases/security/authentication-access/database-level-roles).
 * Run in the database itself.
 */
export function sqlContainedUser(user: string, access: DatabaseAccess): string[] {
  const roles = access === "readwrite" ? ["db_datareader", "db_datawriter"] : ["db_datareader"];
  return [
    `CREATE USER ${bracket(user)} FROM EXTERNAL PROVIDER;`,
    ...roles.map((role) => `ALTER ROLE ${role} ADD MEMBER ${bracket(user)};`),
  ];
}

/** The row privileges each access gives on PostgreSQL and MySQL. */
const ROW_PRIVILEGES: Record<DatabaseAccess, string> = { read: "SELECT", readwrite: "SELECT, INSERT, UPDATE, DELETE" };

/**
 * PostgreSQL flexible server: a non-administrator Entra role named after the identity, created
 * from the `postgres` database by an Entra administrator (pgaadauth_create_principal, not admin,
 * no MFA: https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-manage-azure-ad-users),
 * then row privileges on the database's public schema: on its tables now, and on the tables the
 * administrator who runs them creates later (ALTER DEFAULT PRIVILEGES is per creating role).
 * Making the identity an Entra administrator instead (an ARM resource) would make it a member of
 * azure_pg_admin: more than an app needs.
 */
export function postgresqlEntraRole(role: string, database: string, access: DatabaseAccess): string[] {
  const who = pgIdentifier(role);
  const privileges = ROW_PRIVILEGES[access];
  return [
    // psql meta-commands: the role is created from postgres, the privileges granted in the database.
    `\\connect postgres`,
    `SELECT * FROM pgaadauth_create_principal(${literal(role)}, false, false);`,
    `\\connect ${pgIdentifier(database)}`,
    `GRANT CONNECT ON DATABASE ${pgIdentifier(database)} TO ${who};`,
    `GRANT USAGE ON SCHEMA public TO ${who};`,
    `GRANT ${privileges} ON ALL TABLES IN SCHEMA public TO ${who};`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${privileges} ON TABLES TO ${who};`,
  ];
}

/**
 * MySQL flexible server: an Entra user for the managed identity, identified by its client id, with
 * row privileges on the one database (https://learn.microsoft.com/azure/mysql/flexible-server/how-to-azure-ad#create-microsoft-entra-users-in-azure-database-for-mysql).
 * A flexible server has exactly one Entra administrator, so ARM cannot add the app as another.
 */
export function mysqlEntraUser(
  user: string,
  clientId: pulumi.Input<string>,
  database: string,
  access: DatabaseAccess,
): pulumi.Output<string[]> {
  return pulumi
    .output(clientId)
    .apply((id) => [
      `CREATE AADUSER ${literal(user)} IDENTIFIED BY ${literal(id)};`,
      `GRANT ${ROW_PRIVILEGES[access]} ON ${mysqlIdentifier(database)}.* TO ${literal(user)};`,
    ]);
}
