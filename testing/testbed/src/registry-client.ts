import { httpRequest, type HttpRequestOptions, type HttpResponse } from './http';
import type { RegistryHandle } from './registry';

export interface RegistryRequestOptions extends Omit<HttpRequestOptions, 'ca'> {
  /**
   * token registries: the scopes to ask for. Default: derived from the path
   * (`/v2/NAME/{manifests,blobs,tags}/...` → `repository:NAME:pull`, plus `push` for writes and `delete` for DELETE;
   * `/v2/_catalog` → `registry:catalog:*`).
   */
  scopes?: string[];
}

export const OCI_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * Test-side raw access to a registry of any kind, authenticated as its full-access user (Basic, or a bearer token
 * fetched for the request's scopes), trusting only the test bed CA. For asserting what is stored, not for
 * exercising client auth logic: product code must do its own challenge handling. `accept` defaults to OCI_ACCEPT.
 */
export async function registryRequest(
  registry: RegistryHandle,
  path: string,
  options: RegistryRequestOptions = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: OCI_ACCEPT, ...options.headers };
  if (registry.kind === 'basic') {
    headers.authorization = basic(registry.username!, registry.password!);
  } else if (registry.kind === 'token') {
    headers.authorization = `Bearer ${await fetchToken(registry, options.scopes ?? scopesFor(path, options.method))}`;
  }
  return httpRequest(new URL(path, registry.url), { ...options, headers, ca: registry.caPem });
}

/** Fetches a bearer token for `scopes` from a token registry's token server, as its full-access user. */
export async function fetchToken(registry: RegistryHandle, scopes: string[]): Promise<string> {
  const server = registry.tokenServer;
  if (!server) throw new Error(`a ${registry.kind} registry has no token server`);
  const url = new URL(server.url);
  url.searchParams.set('service', server.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const res = await httpRequest(url, {
    ca: registry.caPem,
    headers: { authorization: basic(registry.username!, registry.password!) },
  });
  if (res.status !== 200) throw new Error(`token server answered ${res.status}: ${res.text()}`);
  return res.json<{ token: string }>().token;
}

function scopesFor(path: string, method = 'GET'): string[] {
  const pathname = new URL(path, 'http://registry.invalid').pathname;
  if (pathname.startsWith('/v2/_catalog')) return ['registry:catalog:*'];
  const match = /^\/v2\/(.+?)\/(manifests|blobs|tags|referrers)\//.exec(pathname);
  if (!match) return [];
  const upper = method.toUpperCase();
  const actions = ['pull'];
  if (!['GET', 'HEAD'].includes(upper)) actions.push('push');
  if (upper === 'DELETE') actions.push('delete');
  return [`repository:${match[1]}:${actions.join(',')}`];
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
