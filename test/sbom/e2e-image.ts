import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { privateBuildah, type RegistryHandle } from '@deliverkit/testing-testbed';
import { FIXTURES } from './helpers';
import { zip } from './java-fixture';

/**
 * The sbom e2e image, pushed as a two-platform index to `image` (on `registry`, which must already hold the test
 * bed's busybox base as `base/busybox:latest`): the base plus real Debian 12 dpkg status entries and copyright
 * files, an npm app, Python dist-info, a Maven jar, the prebuilt Go binary of each platform, a package only arm64
 * gets (RUN under qemu), and a RUN that deletes an npm package and a Python distribution, so buildah writes real
 * whiteouts. Shared by the e2e test and the syft peer test so both judge the same image.
 */
export async function buildSbomE2eImage(
  registry: RegistryHandle,
  scratch: string,
  image: string,
): Promise<void> {
  const context = path.join(scratch, 'context');
  const root = path.join(context, 'rootfs');
  const put = async (rel: string, content: string | Buffer) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  };
  await put('usr/lib/os-release', await readFile(path.join(FIXTURES, 'debian', 'os-release')));
  await put('var/lib/dpkg/status', await readFile(path.join(FIXTURES, 'debian', 'status')));
  for (const p of ['base-files', 'zlib1g', 'libc6', 'tzdata', 'libgcc-s1']) {
    await put(`usr/share/doc/${p}/copyright`, await readFile(path.join(FIXTURES, 'debian', 'copyright', p)));
  }
  await put(
    'app/package.json',
    JSON.stringify({ name: 'e2e-app', version: '3.2.1', dependencies: { ms: '2' } }),
  );
  await put(
    'app/node_modules/ms/package.json',
    JSON.stringify({ name: 'ms', version: '2.1.3', license: 'MIT' }),
  );
  await put(
    'app/node_modules/left-pad/package.json',
    JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }),
  );
  await put(
    'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
    await readFile(path.join(FIXTURES, 'python', 'six.METADATA')),
  );
  await put(
    'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA',
    await readFile(path.join(FIXTURES, 'python', 'requests.METADATA')),
  );
  // A Java library as Maven writes it (the jar's own pom.properties).
  await put(
    'app/lib/commons-lang3-3.14.0.jar',
    zip({
      'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\r\n',
      'META-INF/maven/org.apache.commons/commons-lang3/pom.properties':
        'groupId=org.apache.commons\nartifactId=commons-lang3\nversion=3.14.0\n',
    }),
  );
  for (const arch of ['amd64', 'arm64'])
    await cp(path.join(FIXTURES, `go-app-${arch}`), path.join(context, `go-app-${arch}`));
  await writeFile(
    path.join(context, 'Containerfile'),
    [
      `FROM ${registry.host}/base/busybox:latest`,
      'ARG TARGETARCH',
      'COPY rootfs/ /',
      'COPY go-app-${TARGETARCH} /usr/local/bin/app',
      `RUN if [ "$TARGETARCH" = arm64 ]; then mkdir -p /app/node_modules/arm-only && echo '{"name":"arm-only","version":"0.1.0","license":"ISC"}' > /app/node_modules/arm-only/package.json; fi`,
      'RUN rm -rf /app/node_modules/left-pad /usr/lib/python3/dist-packages/requests-2.31.0.dist-info',
      '',
    ].join('\n'),
  );
  const buildah = privateBuildah(scratch, 240_000);
  await buildah([
    'build',
    '--tls-verify=false',
    '--platform',
    'linux/amd64,linux/arm64',
    '--manifest',
    'localhost/sbom-e2e',
    '--file',
    path.join(context, 'Containerfile'),
    context,
  ]);
  await buildah([
    'manifest',
    'push',
    '--all',
    '--tls-verify=false',
    'localhost/sbom-e2e',
    `docker://${image}`,
  ]);
}
