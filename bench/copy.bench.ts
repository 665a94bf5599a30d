/**
 * Copy benchmark: the bundled multi-registry-push action vs `skopeo copy --all` once per destination, same run,
 * same image, same three local registries (plain HTTP, basic auth + TLS, token auth + TLS).
 *
 *   bash scripts/testbed.sh && node scripts/build.mjs multi-registry-push && npx tsx bench/copy.bench.ts
 *
 * With --network: the same copy over a shaped network, against skopeo, crane and regctl (bench/copy-network.ts).
 *
 * Env: BENCH_LAYER_MB (per-platform layer sizes, default "40,12" → ~104 MB over two platforms),
 *      BENCH_BIG_MB (the single big layer for the RSS run, default 1024; 0 skips it),
 *      BENCH_PROFILE (a directory: V8 CPU profiles of the action runs).
 *
 * Prints: wall-time ratio (target ≤ 0.5), bytes read from the source (target 1× vs skopeo's 3×), re-run time as a
 * fraction of the first run (target ≤ 5 %), and peak RSS of the action process with one 1 GiB layer (< 200 MB).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { copyImage, Registries } from '@deliverkit/oci';
import { StaticCredentials } from '../packages/oci/src/auth';
import {
  containersEnv,
  relayRequest,
  repoRoot,
  skopeoRegistryFlags,
  startRegistry,
  stopAll,
  type RegistryHandle,
} from '@deliverkit/testing-testbed';
import { networkBench } from './copy-network';
import { MiB, pushImage } from './lib/image';

// BENCH_BUNDLE: another build of the action (e.g. one made with `node scripts/build.mjs --out DIR`) to compare.
const bundle = process.env.BENCH_BUNDLE ?? path.join(repoRoot, 'dist', 'multi-registry-push', 'index.js');
const layerMb = (process.env.BENCH_LAYER_MB ?? '40,12').split(',').map(Number);
const bigMb = Number(process.env.BENCH_BIG_MB ?? '1024');

interface CountingProxy {
  host: string;
  blobBytes: number;
  reset(): void;
  close(): void;
}

/** Relays to the source registry and counts blob bytes served (GET /v2/…/blobs/…). */
async function startCountingProxy(target: RegistryHandle): Promise<CountingProxy> {
  const upstream = new URL(target.url);
  const agent = new http.Agent({ keepAlive: true });
  const state = { blobBytes: 0 };
  const server = http.createServer((req, res) => {
    relayRequest(
      upstream,
      req,
      res,
      (up) => {
        const headers = { ...up.headers };
        if (typeof headers.location === 'string')
          headers.location = headers.location.replace(upstream.origin, `http://${proxy.host}`);
        res.writeHead(up.statusCode ?? 502, headers);
        const isBlob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '');
        if (isBlob) up.on('data', (c: Buffer) => (state.blobBytes += c.length));
        up.pipe(res);
      },
      { agent },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: CountingProxy = {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get blobBytes() {
      return state.blobBytes;
    },
    reset: () => (state.blobBytes = 0),
    close: () => {
      server.close();
      server.closeAllConnections();
      agent.destroy();
    },
  };
  return proxy;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - started }),
    );
  });
}

async function runAction(
  inputs: Record<string, string>,
): Promise<{ ms: number; maxRssMb: number; cpuS: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-action-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    GITHUB_OUTPUT: path.join(dir, 'out'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
    RUNNER_TEMP: dir,
  };
  await writeFile(env.GITHUB_OUTPUT!, '');
  await writeFile(env.GITHUB_STEP_SUMMARY!, '');
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  // BENCH_PROFILE=DIR writes a V8 CPU profile of each action run there (open in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const res = await run(
    '/usr/bin/time',
    ['-f', 'MAXRSS_KB=%M CPU_S=%U+%S', process.execPath, ...profile, bundle],
    env,
  );
  await rm(dir, { recursive: true, force: true });
  if (res.code !== 0) throw new Error(`action failed:\n${res.stdout}\n${res.stderr}`);
  const rss = /MAXRSS_KB=(\d+) CPU_S=([\d.]+)\+([\d.]+)/.exec(res.stderr);
  return {
    ms: res.ms,
    maxRssMb: rss ? Number(rss[1]) / 1024 : NaN,
    cpuS: rss ? Number(rss[2]) + Number(rss[3]) : NaN,
  };
}

/** CPU seconds (user+system) used so far by the docker-registry processes serving these registries. */
async function registriesCpu(handles: RegistryHandle[]): Promise<number> {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!handles.some((h) => cmdline.includes(h.dir))) continue;
      const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
      total += (Number(stat[11]) + Number(stat[12])) / tick;
    } catch {
      // process went away
    }
  }
  return total;
}

async function main(): Promise<void> {
  const [source, plain, basic, token] = await Promise.all([
    startRegistry('plain'),
    startRegistry('plain'),
    startRegistry('basic'),
    startRegistry('token'),
  ]);
  const dests = [plain!, basic!, token!];
  const proxy = await startCountingProxy(source!);
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-layers-'));
  try {
    const registries = new Registries();
    const client = registries.client(source!.host);
    const platforms = [
      layerMb.map((m) => Math.round(m * MiB)),
      layerMb.map((m) => Math.round(m * MiB) + 4096),
    ];
    const image = await pushImage(client, 'bench/app', 'v1', platforms, work);
    console.log(`image: ${image.digest}, two platforms, ${(image.bytes / MiB).toFixed(1)} MiB of layers`);

    const auths = JSON.stringify([
      { registry: proxy.host, insecure: true },
      ...dests
        .filter((d) => d.username)
        .map((d) => ({ registry: d.host, username: d.username, password: d.password, ca: d.caPem })),
    ]);
    const actionInputs = (repo: string, tag = 'v1') => ({
      source: `${proxy.host}/bench/app:${tag}`,
      destinations: dests.map((d) => `${d.host}/${repo}:${tag}`).join('\n'),
      'registry-auths': auths,
    });

    // skopeo first (cold destinations), one copy per destination, as a workflow would run it.
    const all = [source!, ...dests];
    const regCpu0 = await registriesCpu(all);
    proxy.reset();
    let skopeoMs = 0;
    let skopeoCpu = 0;
    for (const d of dests) {
      const res = await run(
        '/usr/bin/time',
        [
          '-f',
          'CPU_S=%U+%S',
          'skopeo',
          'copy',
          '--all',
          '--preserve-digests',
          '--src-tls-verify=false',
          '--src-no-creds',
          ...skopeoRegistryFlags(d, 'dest'),
          `docker://${proxy.host}/bench/app:v1`,
          `docker://${d.host}/skopeo/app:v1`,
        ],
        containersEnv(),
      );
      if (res.code !== 0) throw new Error(`skopeo failed: ${res.stderr}`);
      skopeoMs += res.ms;
      const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(res.stderr);
      skopeoCpu += cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
    }
    const skopeoBytes = proxy.blobBytes;
    const regCpu1 = await registriesCpu(all);

    proxy.reset();
    const first = await runAction(actionInputs('ours/app'));
    const oursBytes = proxy.blobBytes;
    const regCpu2 = await registriesCpu(all);
    proxy.reset();
    const again = await runAction(actionInputs('ours/app'));
    const rerunBytes = proxy.blobBytes;

    // The same copy through the library in this process: the re-run figure without Node's start-up.
    const hosts = Object.fromEntries(dests.filter((d) => d.caPem).map((d) => [d.host, { ca: d.caPem }]));
    const credentials = new StaticCredentials(
      Object.fromEntries(
        dests.filter((d) => d.username).map((d) => [d.host, { username: d.username, password: d.password }]),
      ),
    );
    const libCopy = async () => {
      const lib = new Registries({ hosts, credentials });
      const started = performance.now();
      await copyImage(
        lib,
        `${proxy.host}/bench/app:v1`,
        dests.map((d) => ({ registry: d.host, repository: 'lib/app', tags: ['v1'] })),
      );
      lib.close();
      return performance.now() - started;
    };
    const libFirst = await libCopy();
    const libAgain = await libCopy();

    const line = (k: string, v: string) => console.log(`${k.padEnd(44)} ${v}`);
    console.log('\n== two-platform image to 3 registries (plain, basic+TLS, token+TLS) ==');
    line('skopeo copy --all ×3 (wall)', `${(skopeoMs / 1000).toFixed(2)} s`);
    line('multi-registry-push (wall, one process)', `${(first.ms / 1000).toFixed(2)} s`);
    line('wall-time ratio ours/skopeo (target ≤ 0.5)', (first.ms / skopeoMs).toFixed(3));
    line('client CPU: skopeo ×3 / ours', `${skopeoCpu.toFixed(2)} s / ${first.cpuS.toFixed(2)} s`);
    line(
      'registries CPU: skopeo ×3 / ours',
      `${(regCpu1 - regCpu0).toFixed(2)} s / ${(regCpu2 - regCpu1).toFixed(2)} s`,
    );
    line(
      'load average at the end (2 cores)',
      os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
    );
    line(
      'source blob bytes read: skopeo',
      `${(skopeoBytes / MiB).toFixed(1)} MiB = ${(skopeoBytes / image.bytes).toFixed(2)}× the layers`,
    );
    line(
      'source blob bytes read: ours (target 1×)',
      `${(oursBytes / MiB).toFixed(1)} MiB = ${(oursBytes / image.bytes).toFixed(2)}× the layers`,
    );
    line('re-run (wall)', `${(again.ms / 1000).toFixed(3)} s, ${rerunBytes} blob bytes read`);
    line('re-run / first run (target ≤ 5 %)', `${((again.ms / first.ms) * 100).toFixed(1)} %`);
    line(
      'library in-process: first / re-run',
      `${(libFirst / 1000).toFixed(2)} s / ${(libAgain / 1000).toFixed(3)} s = ${((libAgain / libFirst) * 100).toFixed(1)} %`,
    );
    line('peak RSS of the action, first run', `${first.maxRssMb.toFixed(0)} MB`);

    if (bigMb > 0) {
      const big = await pushImage(client, 'bench/big', 'v1', [[bigMb * MiB]], work);
      console.log(`\n== single ${bigMb} MiB layer (${big.digest}) to the same 3 registries ==`);
      const bigRun = await runAction({
        source: `${proxy.host}/bench/big:v1`,
        destinations: dests.map((d) => `${d.host}/ours/big:v1`).join('\n'),
        'registry-auths': auths,
      });
      line('wall', `${(bigRun.ms / 1000).toFixed(2)} s`);
      line('peak RSS of the action (target < 200 MB)', `${bigRun.maxRssMb.toFixed(0)} MB`);
    }
    registries.close();
  } finally {
    proxy.close();
    await rm(work, { recursive: true, force: true });
    await stopAll();
  }
}

if (process.argv.includes('--network')) await networkBench(process.argv.slice(2));
else await main();
