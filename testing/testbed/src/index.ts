// @deliverkit/testing-testbed: the real-service test bed's public surface for tests, benchmarks and scripts; see
// README.md beside src/. Every name is listed here: import from the package, never from a file inside it.
export { parseOutputFile, runAction, type ActionRun, type RunActionOptions } from './action-runner';
export {
  createRemoteBuilder,
  startBuildkitd,
  type BuildkitdHandle,
  type RemoteBuilder,
  type StartBuildkitdOptions,
} from './buildkit';
export { getTestbedCa, type TestbedCa } from './ca';
export { stopAll } from './cleanup';
export { runCommand, TestbedCommandError, type RunOptions, type RunResult } from './exec';
export {
  startFaultProxy,
  type Fault,
  type FaultProxyHandle,
  type FaultProxyOptions,
  type FaultRule,
  type ProxyHit,
} from './fault-proxy';
export { startHostileRegistry, type HostileRegistry, type HostileRegistryOptions } from './hostile-registry';
export {
  httpRequest,
  parseChallenge,
  relayRequest,
  type HttpRequestOptions,
  type HttpResponse,
} from './http';
export {
  pushBaseImage,
  readBaseImage,
  skopeoCopyToOci,
  skopeoInspectRaw,
  skopeoRegistryFlags,
  type BaseImage,
  type PlatformManifest,
} from './images';
export {
  startClusterLoad,
  startKubeCluster,
  type ClusterLoad,
  type ClusterLoadReport,
  type KubeCluster,
  type KubeUser,
  type StartKubeClusterOptions,
} from './kube-cluster';
export { installGatewayApiCrds } from './kube-node/gateway-api';
export {
  buildTestImage,
  PAUSE_IMAGE,
  TEST_IMAGE_REPOSITORY,
  type TestAppBehaviour,
  type TestImage,
} from './kube-node/images';
export { readLayer, readLayerFile, type LayerEntry } from './layers';
export { baseImageLayout, repoRoot, testbedDir } from './paths';
export {
  startRegistry,
  viaProxy,
  type RegistryHandle,
  type RegistryKind,
  type StartRegistryOptions,
} from './registry';
export { fetchToken, OCI_ACCEPT, registryRequest, type RegistryRequestOptions } from './registry-client';
export { writeTar, type TarSpec } from './tar';
export { containersEnv, ensureTestbed, privateBuildah, type EnsureTestbedOptions } from './testbed';
export {
  parseScope,
  startTokenServer,
  type AccessGrant,
  type IssuedToken,
  type ResourceAccess,
  type TokenServerHandle,
  type TokenServerOptions,
  type TokenUser,
} from './token-server';
export { toolPath, toolsBinDir, type BeltTool } from './tools';
