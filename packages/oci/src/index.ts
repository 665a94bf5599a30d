export { RegistryError } from './errors';
export { parseReference } from './reference';
export { Registries } from './client';
export { describePlan, parseDestinations, type CopyDestination } from './plan';
export { copyImage, CopyError, type CopyResult } from './copy';
export { openRegistries, parseRegistryAuths, type RegistryAuth } from './registry-auths';
