import { ENFORCE, REMOVE, type Rule } from "../model.js";
import { T } from "../types.js";
import { customRule, type Expectation } from "./factory.js";

/** A managed identity is on: `identity.type` names SystemAssigned and/or UserAssigned ("None" is none). */
export const managedIdentity: Expectation = {
  test: (value) =>
    typeof value === "string" &&
    /^(SystemAssigned|UserAssigned)(,\s*(SystemAssigned|UserAssigned))?$/i.test(value.trim()),
  describe: '"SystemAssigned", "UserAssigned" or "SystemAssigned, UserAssigned"',
};

/** Built-in roles that grant control of resources or of access itself. */
const PRIVILEGED_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

export const identityRules: Rule[] = [
  customRule({
    id: "EST-IAM-001",
    title: "Role assignments grant data roles, not control of resources",
    description:
      "Workload identities get the narrow data-plane roles they use (Storage Blob Data Contributor, ...), never Owner or Contributor.",
    severity: "high",
    types: [T.roleAssignment],
    check: (inputs) => {
      const role =
        PRIVILEGED_ROLES[
          String(inputs.roleDefinitionId ?? "")
            .split("/")
            .at(-1)!
            .toLowerCase()
        ];
      return role ? `roleDefinitionId is the privileged ${role} role` : undefined;
    },
    fail: [
      { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c" },
    ],
    controls: { mcsb: ["PA-7"], waf: "Security" },
    mappings: {},
    remediation:
      "Set `roleDefinitionId` on the RoleAssignment to the narrowest data role the workload needs (`roleAssignments` args of the component).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-IAM-002",
    title: "Role assignments to workloads name the principal type",
    description:
      "With principalType ServicePrincipal, Azure does not wait for directory replication and the intent is explicit.",
    severity: "low",
    types: [T.roleAssignment],
    check: (inputs) => (inputs.principalType === undefined ? "principalType is not set" : undefined),
    fail: [{ principalType: REMOVE }],
    controls: { mcsb: ["PA-7"], waf: "Operational Excellence" },
    mappings: {},
    remediation: 'Set `principalType: "ServicePrincipal"` (managed identities) on the RoleAssignment.',
    enforcement: ENFORCE.advisory,
  }),
];
