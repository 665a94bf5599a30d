// The test bed's public surface for integration suites; see README.md beside this file.
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
export { parseOutputFile, runAction, type ActionRun, type RunActionOptions } from './action-runner';
export { createRemoteBuilder, startBuildkitd, type BuildkitdHandle, type RemoteBuilder } from './buildkit';
export { toolPath, toolsBinDir, type BeltTool } from './tools';
