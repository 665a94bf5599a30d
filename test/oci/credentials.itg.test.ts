import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registries } from '@deliverkit/oci';
import { DockerConfigCredentials } from '../../packages/oci/src/auth';
import { ensureTestbed, startRegistry, stopAll, type RegistryHandle } from '@deliverkit/testing-testbed';

let basic: RegistryHandle;
let token: RegistryHandle;
let dir: string;

beforeAll(async () => {
  await ensureTestbed({ docker: false, qemu: false });
  [basic, token] = await Promise.all([startRegistry('basic'), startRegistry('token')]);
  dir = await mkdtemp(path.join(os.tmpdir(), 'oci-creds-'));
});

afterAll(stopAll);

describe('credentials from ~/.docker/config.json', () => {
  it('uses `auths` entries (base64 auth) against a basic-auth registry', async () => {
    const masked: string[] = [];
    const registries = new Registries({
      hosts: { [basic.host]: { ca: basic.caPem } },
      credentials: new DockerConfigCredentials({ path: basic.authFile!, onSecret: (s) => masked.push(s) }),
    });
    const pushed = await registries.client(basic.host).pushBlob('creds/app', Buffer.from('hello'));
    expect(await registries.client(basic.host).headBlob('creds/app', pushed.digest)).toBe(5);
    expect(masked).toEqual([basic.password]);
    registries.close();
  });

  it('runs `docker-credential-<credsStore> get` with the server on stdin, for a token registry', async () => {
    // A real helper program on PATH, speaking the docker-credential-helpers protocol.
    const bin = path.join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    const log = path.join(dir, 'helper.log');
    const helper = path.join(bin, 'docker-credential-deliverkit-test');
    await writeFile(
      helper,
      `#!/bin/sh
[ "$1" = get ] || exit 2
read server
echo "$server" >> ${log}
if [ "$server" = "${token.host}" ]; then
  printf '{"ServerURL":"%s","Username":"${token.username}","Secret":"${token.password}"}' "$server"
else
  echo "credentials not found in native keychain" >&2; exit 1
fi
`,
    );
    await chmod(helper, 0o755);
    const config = path.join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ credsStore: 'deliverkit-test' }));
    const previous = process.env.PATH;
    process.env.PATH = `${bin}:${previous}`;
    try {
      const registries = new Registries({
        hosts: { [token.host]: { ca: token.caPem } },
        credentials: new DockerConfigCredentials({ path: config }),
      });
      const pushed = await registries.client(token.host).pushBlob('helper/app', Buffer.from('via helper'));
      expect(await registries.client(token.host).headBlob('helper/app', pushed.digest)).toBe(10);
      expect(registries.client(token.host).capabilities.auth).toBe('bearer');
      registries.close();
      expect(await new DockerConfigCredentials({ path: config }).get('unknown.example')).toBeUndefined();
      expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([token.host, 'unknown.example']);
      expect(token.tokenServer!.issued.at(-1)?.username).toBe(token.username);
    } finally {
      process.env.PATH = previous;
    }
  });
});
