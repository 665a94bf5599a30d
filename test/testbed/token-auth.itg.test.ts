import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestbed,
  httpRequest,
  parseChallenge,
  pushBaseImage,
  startRegistry,
  stopAll,
  type RegistryHandle,
  type ResourceAccess,
  type TokenServerHandle,
} from '@deliverkit/testing-testbed';

interface TokenResponse {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}

const INDEX = 'application/vnd.oci.image.index.v1+json';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const accessOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { access: ResourceAccess[] })
    .access;

let registry: RegistryHandle;
let tokens: TokenServerHandle;

async function fetchToken(scopes: string[], authorization?: string) {
  const url = new URL(tokens.url);
  url.searchParams.set('service', tokens.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return httpRequest(url, { ca: registry.caPem, headers: authorization ? { authorization } : {} });
}

async function tokenFor(scopes: string[], user = registry.username!, pass = registry.password!) {
  const res = await fetchToken(scopes, basic(user, pass));
  expect(res.status).toBe(200);
  return res.json<TokenResponse>().token;
}

function startUpload(repo: string, token: string) {
  return httpRequest(`${registry.url}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    ca: registry.caPem,
    headers: { authorization: `Bearer ${token}`, 'content-length': '0' },
  });
}

beforeAll(async () => {
  await ensureTestbed();
  registry = await startRegistry('token');
  tokens = registry.tokenServer!;
  await pushBaseImage(registry, 'team/app', 'v1');
});
afterAll(stopAll);

describe('when a client without a token asks for a manifest', () => {
  it('gets a Bearer challenge naming realm, service and scope, then the manifest with the fetched token', async () => {
    const manifestUrl = `${registry.url}/v2/team/app/manifests/v1`;
    const first = await httpRequest(manifestUrl, { ca: registry.caPem, headers: { accept: INDEX } });
    expect(first.status).toBe(401);
    const challenge = parseChallenge(first.headers['www-authenticate']);
    expect(challenge.scheme).toBe('Bearer');
    expect(challenge.params).toMatchObject({
      realm: tokens.url,
      service: tokens.service,
      scope: 'repository:team/app:pull',
    });

    const issuedBefore = tokens.issuedCount;
    const tokenRes = await fetchToken(
      [challenge.params.scope!],
      basic(registry.username!, registry.password!),
    );
    expect(tokenRes.status).toBe(200);
    const body = tokenRes.json<TokenResponse>();
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    expect(Math.abs(Date.parse(body.issued_at) - Date.now())).toBeLessThan(10_000);
    expect(tokens.issuedCount).toBe(issuedBefore + 1);
    expect(accessOf(body.token)).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull'] }]);

    const second = await httpRequest(manifestUrl, {
      ca: registry.caPem,
      headers: { accept: INDEX, authorization: `Bearer ${body.token}` },
    });
    expect(second.status).toBe(200);
    expect(second.headers['content-type']).toBe(INDEX);
  });
});

describe('when the credentials are wrong', () => {
  it('the token server answers 401 and counts the refusal', async () => {
    const rejectedBefore = tokens.rejectedCount;
    const res = await fetchToken(['repository:team/app:pull'], basic(registry.username!, 'not-the-password'));
    expect(res.status).toBe(401);
    expect(tokens.rejectedCount).toBe(rejectedBefore + 1);
  });
});

describe('when a token was issued for one repository', () => {
  it('pushes to that repository but not to another one', async () => {
    const token = await tokenFor(['repository:team/a:pull,push']);
    expect((await startUpload('team/a', token)).status).toBe(202);

    const denied = await startUpload('team/b', token);
    expect(denied.status).toBe(401);
    const challenge = parseChallenge(denied.headers['www-authenticate']);
    expect(challenge.params.error).toBe('insufficient_scope');
    // distribution lists the actions from a Go map: "pull,push" or "push,pull", run to run.
    const [type, name, actions] = (challenge.params.scope ?? '').split(':');
    expect([type, name, actions?.split(',').sort()]).toEqual(['repository', 'team/b', ['pull', 'push']]);
  });

  it('carries every scope asked for in repeated scope parameters', async () => {
    const token = await tokenFor(['repository:team/a:pull', 'repository:team/b:pull,push']);
    expect(accessOf(token)).toEqual([
      { type: 'repository', name: 'team/a', actions: ['pull'] },
      { type: 'repository', name: 'team/b', actions: ['pull', 'push'] },
    ]);
    expect((await startUpload('team/b', token)).status).toBe(202);
    expect((await startUpload('team/a', token)).status).toBe(401);
  });
});

describe('when a user may only pull', () => {
  it('gets a token without push, which the registry refuses for uploads', async () => {
    tokens.setUser('reader', {
      password: 'reader-password',
      grants: [{ name: 'team/*', actions: ['pull'] }],
    });
    const token = await tokenFor(['repository:team/app:pull,push'], 'reader', 'reader-password');
    expect(accessOf(token)).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
    expect((await startUpload('team/app', token)).status).toBe(401);
    const other = await tokenFor(['repository:elsewhere/app:pull'], 'reader', 'reader-password');
    expect(accessOf(other)).toEqual([]);
  });
});

describe('when the client is anonymous', () => {
  it('gets a token with no access, which cannot pull', async () => {
    const res = await fetchToken(['repository:team/app:pull']);
    expect(res.status).toBe(200);
    const { token } = res.json<TokenResponse>();
    expect(accessOf(token)).toEqual([]);
    const manifest = await httpRequest(`${registry.url}/v2/team/app/manifests/v1`, {
      ca: registry.caPem,
      headers: { accept: INDEX, authorization: `Bearer ${token}` },
    });
    expect(manifest.status).toBe(401);
  });

  it('may pull from a registry started with anonymousPull, but not push', async () => {
    const open = await startRegistry('token', { anonymousPull: true });
    try {
      await pushBaseImage(open, 'pub/app', 'v1');
      const url = new URL(open.tokenServer!.url);
      url.searchParams.set('service', open.tokenServer!.service);
      url.searchParams.set('scope', 'repository:pub/app:pull,push');
      const { token } = (await httpRequest(url, { ca: open.caPem })).json<TokenResponse>();
      expect(accessOf(token)).toEqual([{ type: 'repository', name: 'pub/app', actions: ['pull'] }]);
      const manifest = await httpRequest(`${open.url}/v2/pub/app/manifests/v1`, {
        ca: open.caPem,
        headers: { accept: INDEX, authorization: `Bearer ${token}` },
      });
      expect(manifest.status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});

describe('when tokens expire', () => {
  it('reports the configured lifetime in expires_in', async () => {
    tokens.setTokenLifetime(2);
    try {
      const res = await fetchToken(
        ['repository:team/app:pull'],
        basic(registry.username!, registry.password!),
      );
      expect(res.json<TokenResponse>().expires_in).toBe(2);
      expect(tokens.issued.at(-1)!.lifetimeSeconds).toBe(2);
    } finally {
      tokens.setTokenLifetime(300);
    }
  });

  it('the registry refuses a token past its expiry (beyond its 60 s leeway) as invalid_token', async () => {
    tokens.setTokenLifetime(-120, 300);
    let token: string;
    try {
      token = await tokenFor(['repository:team/app:pull']);
    } finally {
      tokens.setTokenLifetime(300);
    }
    const res = await httpRequest(`${registry.url}/v2/team/app/manifests/v1`, {
      ca: registry.caPem,
      headers: { accept: INDEX, authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(parseChallenge(res.headers['www-authenticate']).params.error).toBe('invalid_token');
  });
});

describe('when a client uses the OAuth2 POST flow', () => {
  it('exchanges a password for an access token and a refresh token for another', async () => {
    const post = (form: Record<string, string>) =>
      httpRequest(tokens.url, {
        method: 'POST',
        ca: registry.caPem,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    const first = await post({
      grant_type: 'password',
      username: registry.username!,
      password: registry.password!,
      service: tokens.service,
      scope: 'repository:team/app:pull',
      client_id: 'deliverkit-test',
      access_type: 'offline',
    });
    expect(first.status).toBe(200);
    const body = first.json<{ access_token: string; refresh_token: string; scope: string }>();
    expect(body.scope).toBe('repository:team/app:pull');
    expect(accessOf(body.access_token)).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull'] },
    ]);

    const refreshed = await post({
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token,
      service: tokens.service,
      scope: 'repository:team/app:pull,push',
      client_id: 'deliverkit-test',
    });
    expect(refreshed.status).toBe(200);
    const again = refreshed.json<{ access_token: string }>();
    expect(accessOf(again.access_token)).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
    ]);
    const wrong = await post({ grant_type: 'password', username: registry.username!, password: 'nope' });
    expect(wrong.status).toBe(401);
  });
});
