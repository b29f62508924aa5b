import { describe, expect, it } from "vitest";
import { DATA_NAME_RULES, followsRule } from "./names.js";

const accepts = (rule: keyof typeof DATA_NAME_RULES) => (name: string) => followsRule(DATA_NAME_RULES[rule], name);

describe("the Service Bus queue name rule", () => {
  // https://learn.microsoft.com/azure/templates/microsoft.servicebus/namespaces/queues: 1-260
  // alphanumerics, periods, hyphens, underscores (and slashes, which the estate leaves out),
  // starting and ending with an alphanumeric.
  const queue = accepts("serviceBusQueue");

  it("accepts one character, capitals, periods, hyphens and underscores inside, and 260 characters", () => {
    for (const name of ["a", "7", "Jobs", "jobs.v2", "document-processing", "jobs_2", `a${"b".repeat(258)}c`])
      expect(queue(name), name).toBe(true);
  });

  it("refuses an empty name, 261 characters, a first or last character that is not alphanumeric, slashes and spaces", () => {
    for (const name of ["", "a".repeat(261), "-jobs", "jobs-", "jobs.", "jobs_", ".jobs", "jobs/retry", "jobs q"])
      expect(queue(name), name).toBe(false);
  });
});

describe("the other data names", () => {
  it("hold Cosmos, SQL and the flexible servers' databases to their own engines' rules", () => {
    expect(["orders", "Orders 2026"].map(accepts("cosmosName"))).toEqual([true, true]);
    expect(["a/b", "orders "].map(accepts("cosmosName"))).toEqual([false, false]);
    expect(["orders; archive", "orders.", "orders?"].map(accepts("sqlDatabase"))).toEqual([true, false, false]);
    expect(["_events", "events2", "2events", "e".repeat(64)].map(accepts("postgresqlDatabase"))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(["e".repeat(64), "e".repeat(65)].map(accepts("mysqlDatabase"))).toEqual([true, false]);
  });

  it("hold blob containers and Key Vault secrets to theirs", () => {
    expect(["documents", "ab", "a--b", "Documents", "a".repeat(63)].map(accepts("blobContainer"))).toEqual([
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(["signing-key", "signing_key", "k".repeat(128)].map(accepts("keyVaultSecret"))).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe("the model deployment name rule", () => {
  const deployment = accepts("openAiDeployment");

  it("accepts model-like names of 2-64 letters, digits, dots, hyphens and underscores", () => {
    for (const name of ["ab", "chat", "gpt-4o-mini", "gpt-4.1", "text_embedding_3", "Chat2", "x".repeat(64)])
      expect(deployment(name), name).toBe(true);
  });

  it("refuses one character, 65, a leading separator and characters a request path would need escaped", () => {
    for (const name of ["", "c", "x".repeat(65), "-chat", ".chat", "_chat", "chat/v2", "chat v2", "chat:v2", "chat?"])
      expect(deployment(name), name).toBe(false);
  });
});
