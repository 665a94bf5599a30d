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
