export {
  startK8sEmulator,
  type K8sEmulator,
  type K8sEmulatorOptions,
  type K8sEmulatorTls,
  type RequestRecord,
} from './server';
export {
  startTrafficProxy,
  startLoad,
  type TrafficProxy,
  type LoadGenerator,
  type LoadReport,
} from './traffic';
export type { ImageBehavior } from './controller';
export { ApiStatusError } from './store';
export { findByPlural } from './resources';
// The client the tests check the emulator with: @kubernetes/client-node, the version @deliverkit/deploy uses (a
// dependency of this package too, so a test reaches it by this package's name rather than by a path). Named here
// rather than re-exported whole: these are the classes the tests drive the emulator with.
export {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
