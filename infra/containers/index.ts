export { ContainerRegistry, REGISTRY_SKUS, type RegistryArgs, type RegistrySku } from "./registry.js";
export {
  CONSUMPTION_PROFILE,
  CONTAINER_APPS_SUBNET_DELEGATION,
  ContainerApp,
  ContainerAppsEnvironment,
  containerEnv,
  type ContainerAppArgs,
  type ContainerAppsEnvironmentArgs,
  type EnvironmentRef,
  type ImageRegistry,
} from "./apps.js";
