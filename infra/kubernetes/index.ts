export {
  AksCluster,
  aksProblems,
  nonInteractiveKubeconfig,
  refuseArgs,
  type AksClusterArgs,
  type ArgProblem,
  type CheckedAksArgs,
  type KubeloginMode,
  type NodePoolArgs,
  type Zone,
} from "./cluster.js";
export {
  KubernetesWorkload,
  appProblems,
  replicaProblems,
  type CheckedAppArgs,
  type WorkloadArgs,
} from "./workload.js";
