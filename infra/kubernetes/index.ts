export { AksCluster, aksProblems, nonInteractiveKubeconfig, type AksClusterArgs, type KubeloginMode, type NodePoolArgs, type Zone } from "./cluster.js";
export { KubernetesWorkload, workloadProblems, type WorkloadArgs } from "./workload.js";
