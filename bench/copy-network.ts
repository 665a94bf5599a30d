/**
 * `bench/copy.bench.ts --network`: the copy over a shaped network, where a runner's copy is bound by links, not CPU.
 *
 *   node scripts/build.mjs multi-registry-push && npx tsx bench/copy.bench.ts --network [--rounds N] [--only crane,regctl]
 *
 * scripts/lib/netns.sh builds the test bed: network namespaces joined through a router namespace by veth pairs, the
 * runner (1 Gbit/s down, 400 Mbit/s up), the source registry (unshaped) and three destination registries (200, 200
 * and 50 Mbit/s, the last dropping 0.1 % of packets each way); tc tbf for rates, iptables' statistic match for loss,
 * netem delay only where the kernel has netem. This process then re-runs itself inside the runner's namespace, where
 * every contender runs: the bundled action, `skopeo copy --all` ×3 in sequence (a Makefile loop) and in parallel
 * (`make -j3`), `crane copy` ×3 and `regctl image copy --referrers` ×3 in parallel, each into fresh repositories.
 *
 * Prints per contender: wall time, bytes through each link (the router's veth counters), blob bytes the source
 * served (its access log), peak RSS, when each destination was done (ours: from its per-destination `durationMs`);
 * then ours / physical limit (the image's bytes over the busiest link at its
 * shaped rate; target ≤ 1.15), ours vs the best peer (never slower), source bytes (1.00×), and a re-run of ours
 * into destinations that already hold everything: requests per destination from the registries' access logs
 * (0 blob requests, ≤ 1 per manifest) and its wall time vs a bare `node` start (within 1 s).
 *
 * Env: BENCH_LAYER_MB (per-platform layer sizes, default "40,12" → ~104 MB over two platforms).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MediaType } from '@deliverkit/oci-core';
import { Registries } from '@deliverkit/oci';
import { resolveClosure } from '../packages/oci/src/closure';
import { containersEnv, repoRoot, toolPath } from '@deliverkit/testing-testbed';
import { attachReferrers, MiB, pushImage } from './lib/image';

// BENCH_BUNDLE: another build of the action (e.g. one made with `node scripts/build.mjs --out DIR`) to compare.
const bundle = process.env.BENCH_BUNDLE ?? path.join(repoRoot, 'dist', 'multi-registry-push', 'index.js');
const netnsScript = path.join(repoRoot, 'scripts', 'lib', 'netns.sh');
const PREFIX = 'dkcopy';
const DESTS = ['D1', 'D2', 'D3'] as const;

export async function networkBench(args: string[]): Promise<void> {
  const inside = args.indexOf('--inside');
  if (inside >= 0) return insideRunner(args[inside + 1]!, args);
  return outside(args);
}

/** In the caller's namespace: build the network, run the bench inside the runner's namespace, tear down. */
async function outside(args: string[]): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('--network needs root (it creates network namespaces)');
  if (!existsSync(bundle))
    throw new Error(`${bundle} is missing: run \`node scripts/build.mjs multi-registry-push\` first`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-netns-'));
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    spawnSync('bash', [netnsScript, 'down', PREFIX, work], { stdio: 'inherit' });
    spawnSync('rm', ['-rf', work]);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await inherit('bash', [netnsScript, 'up', PREFIX, work]);
    const env = readNetEnv(work);
    await inherit('ip', [
      'netns',
      'exec',
      env.NS_RUN!,
      process.execPath,
      ...process.execArgv,
      process.argv[1]!,
      ...args,
      '--inside',
      work,
    ]);
  } finally {
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function inherit(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} … exited with ${code}`)),
    );
  });
}

function readNetEnv(work: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path.join(work, 'netns.env'), 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** `1gbit`, `400mbit` → bits per second. */
function bitsPerSecond(rate: string): number {
  const m = /^(\d+)(k|m|g)bit$/.exec(rate);
  if (!m) throw new Error(`unexpected rate ${rate}`);
  return Number(m[1]) * { k: 1e3, m: 1e6, g: 1e9 }[m[2] as 'k' | 'm' | 'g'];
}

interface Counters {
  /** Router-side veth name → bytes sent towards the far side (tx) and received from it (rx). */
  [dev: string]: { tx: number; rx: number };
}

function readCounters(router: string): Counters {
  const res = spawnSync('ip', ['-j', '-s', '-n', router, 'link', 'show'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`ip -s link failed: ${res.stderr}`);
  const links = JSON.parse(res.stdout) as {
    ifname: string;
    stats64: { rx: { bytes: number }; tx: { bytes: number } };
  }[];
  return Object.fromEntries(links.map((l) => [l.ifname, { tx: l.stats64.tx.bytes, rx: l.stats64.rx.bytes }]));
}

/**
 * Reads one link's transmit counter from sysfs every `everyMs` inside the namespace, stamping each read with the wall
 * clock (ms), until stopped.
 */
async function startLinkSampler(
  ns: string,
  dev: string,
  everyMs: number,
): Promise<{ stop: () => { at: number; tx: number }[] }> {
  const script = `const fs=require('fs');const f='/sys/class/net/'+process.argv[1]+'/statistics/tx_bytes';
const tick=()=>process.stdout.write(Date.now()+' '+fs.readFileSync(f,'utf8'));tick();setInterval(tick,${everyMs});`;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script, dev], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // The first line means the reader runs: samples cover the contender from its start.
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () => resolve());
  });
  return {
    stop: () => {
      child.kill();
      return out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ').map(Number) as [number, number])
        .map(([at, tx]) => ({ at, tx }));
    },
  };
}

type TcpCounters = { retransSegs: number; timeouts: number; lossProbes: number };

/** This network namespace's TCP counters (/proc/net is per namespace). */
function readTcpCounters(): TcpCounters {
  const table = (file: string, prefix: string): Map<string, number> => {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${prefix}:`));
    const names = lines[0]!.split(/\s+/).slice(1);
    const values = lines[1]!.split(/\s+/).slice(1).map(Number);
    return new Map(names.map((n, i) => [n, values[i]!]));
  };
  const tcp = table('/proc/net/snmp', 'Tcp');
  const ext = table('/proc/net/netstat', 'TcpExt');
  return {
    retransSegs: tcp.get('RetransSegs') ?? 0,
    timeouts: ext.get('TCPTimeouts') ?? 0,
    lossProbes: ext.get('TCPLossProbes') ?? 0,
  };
}

interface LogRequest {
  method: string;
  path: string;
  status: number;
  bytes: number;
}

/** Access-log lines of a distribution registry written since `offset` (bytes into the file). */
async function logSince(file: string, offset: number): Promise<LogRequest[]> {
  const text = (await readFile(file)).subarray(offset).toString('utf8');
  const out: LogRequest[] = [];
  for (const m of text.matchAll(/"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d+) (\d+)/g))
    out.push({ method: m[1]!, path: m[2]!, status: Number(m[3]), bytes: Number(m[4]) });
  return out;
}

function classify(r: LogRequest): 'blob' | 'manifest' | 'other' {
  if (/\/blobs\//.test(r.path)) return 'blob';
  if (/\/manifests\//.test(r.path)) return 'manifest';
  return 'other';
}

interface Timed {
  ms: number;
  rssKb: number[];
  /** When each destination's copy was done, ms from the start (in destination order). */
  doneMs: number[];
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed & { stdout: string }> {
  const started = performance.now();
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code}:\n${stdout}\n${stderr}`));
      const rssKb = [...stderr.matchAll(/MAXRSS_KB=(\d+)/g)].map((m) => Number(m[1]));
      // `done <n> <epoch ms>` lines: a make target's copy ended (see makeRun).
      const doneMs = [...stdout.matchAll(/^done (\d+) (\d+)$/gm)]
        .sort((a, b) => Number(a[1]) - Number(b[1]))
        .map((m) => Number(m[2]) - startedAt);
      resolve({ ms, rssKb, stdout, doneMs });
    });
  });
}

/** A word for a Makefile recipe line: single-quoted for the shell, `$` doubled for make. */
function recipeWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`.replaceAll('$', () => '$$');
}

/**
 * Runs each command line as its own make target, wrapped in GNU time for its peak RSS: `jobs` 1 is the
 * sequential loop a workflow step would write, 3 runs them side by side.
 */
async function makeRun(
  dir: string,
  name: string,
  commands: string[][],
  jobs: number,
  env: NodeJS.ProcessEnv,
) {
  const makefile = path.join(dir, `${name}.mk`);
  const targets = commands.map((_, i) => `copy${i + 1}`);
  const lines = [`.PHONY: all ${targets.join(' ')}`, `all: ${targets.join(' ')}`];
  for (const [i, command] of commands.entries()) {
    const wrapped = ['/usr/bin/time', '-f', 'MAXRSS_KB=%M', ...command];
    // Then the moment it ended, for each destination's time.
    lines.push(
      `${targets[i]}:`,
      `\t@${wrapped.map(recipeWord).join(' ')} >/dev/null && echo "done ${i + 1} $$(date +%s%3N)"`,
    );
  }
  await writeFile(makefile, `${lines.join('\n')}\n`);
  return timed('make', ['-s', '-f', makefile, `-j${jobs}`], env);
}

interface Outcome {
  name: string;
  ms: number;
  /** On the busiest link: when the first 256 KiB had crossed, and 99 % of what crossed in the end. */
  busiestLink: { firstMs: number; at99Ms: number };
  rssKb: number[];
  links: Record<string, { down: number; up: number }>;
  sourceBlobBytes: number;
  requests: Record<string, LogRequest[]>;
  /** The runner namespace's TCP counters over the run: segments re-sent, retransmission timeouts, tail-loss probes. */
  tcp: TcpCounters;
  /** When each destination was done, ms from the start. */
  doneMs: number[];
}

async function insideRunner(work: string, args: string[]): Promise<void> {
  const env = readNetEnv(work);
  const roundsArg = args.indexOf('--rounds');
  const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 1;
  // --only crane,regctl: ours and just these peers (a quicker look; the full table needs every peer).
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? args[onlyArg + 1]!.split(',') : undefined;
  const layerMb = (process.env.BENCH_LAYER_MB ?? '40,12').split(',').map(Number);
  const src = env.REGISTRY_SRC!;
  const dests = DESTS.map((d) => env[`REGISTRY_${d}`]!);
  const logs: Record<string, string> = Object.fromEntries(
    ['SRC', ...DESTS].map((k) => [k, env[`LOG_${k}`]!]),
  );
  const allHosts = [src, ...dests];
  const registries = new Registries({
    hosts: Object.fromEntries(allHosts.map((h) => [h, { insecure: true }])),
  });
  const client = registries.client(src);
  // Inside the outer work directory, which the outer process removes at exit (signals included).
  const scratch = await mkdtemp(path.join(work, 'run-'));
  const platforms = [layerMb.map((m) => Math.round(m * MiB)), layerMb.map((m) => Math.round(m * MiB) + 4096)];
  const image = await pushImage(client, 'bench/app', 'v1', platforms, scratch);
  await attachReferrers(client, 'bench/app', {
    mediaType: MediaType.OciIndex,
    digest: image.digest,
    size: image.size,
  });
  const root = await client.getManifest('bench/app', 'v1');
  const closure = await resolveClosure(client, 'bench/app', root, { includeReferrers: true });
  const blobBytes = closure.blobs.reduce((n, b) => n + b.size, 0);
  const manifestBytes =
    closure.manifests.reduce((n, m) => n + m.bytes.length, 0) +
    [...closure.tagSchemaIndexes.values()].reduce((n, t) => n + t.bytes.length, 0);
  const imageBytes = blobBytes + manifestBytes;
  registries.close();
  console.log(
    `image: ${image.digest}, two platforms + ${closure.referrers.length} referrers (tag schema): ` +
      `${closure.blobs.length} blobs, ${closure.manifests.length} manifests, ${(imageBytes / MiB).toFixed(1)} MiB`,
  );
  console.log(`shaping (netem ${env.NETEM === 'yes' ? 'found' : 'absent: no added delay'}):`);
  for (const s of env.SHAPING!.split(';')) console.log(`  ${s}`);

  // The physical limit: what must cross each shaped link (the image once down to the runner, three times up, once
  // into each destination), at its shaped rate; the slowest of them bounds any copy.
  const limits = [
    { link: 'runner down', bytes: imageBytes, rate: env.RATE_DOWN_RUN! },
    { link: 'runner up', bytes: 3 * imageBytes, rate: env.RATE_UP_RUN! },
    ...DESTS.map((d) => ({
      link: `${d.toLowerCase()} down`,
      bytes: imageBytes,
      rate: env[`RATE_DOWN_${d}`]!,
    })),
  ].map((l) => ({ ...l, seconds: (l.bytes * 8) / bitsPerSecond(l.rate) }));
  const busiest = limits.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  console.log(
    `physical limit: ${busiest.seconds.toFixed(2)} s (${busiest.link}: ${(busiest.bytes / MiB).toFixed(1)} MiB at ${busiest.rate})`,
  );

  const home = path.join(scratch, 'home');
  const toolEnv = containersEnv({ HOME: home, DOCKER_CONFIG: path.join(home, '.docker') });
  const regctl = toolPath('regctl');
  const crane = toolPath('crane');
  for (const h of allHosts) spawnSync(regctl, ['registry', 'set', '--tls', 'disabled', h], { env: toolEnv });

  const measure = async (name: string, run: () => Promise<Timed>): Promise<Outcome> => {
    const before = readCounters(env.NS_ROUTER!);
    const offsets = Object.fromEntries(
      await Promise.all(Object.entries(logs).map(async ([k, f]) => [k, (await stat(f)).size] as const)),
    );
    // The busiest link's counter every BENCH_SAMPLE_MS (default 20) ms: when its bytes start, when 99 % have crossed,
    // and the tail after. One reader inside the router's namespace (its sysfs) for the whole run: spawning `ip` per
    // sample cost CPU the contenders compete for, and 100 ms was too coarse for a start that differs by tens of ms.
    const busiestDev = env[`DEV_${busiest.link.split(' ')[0]!.toUpperCase()}`]!;
    const samples: { ms: number; bytes: number }[] = [];
    const sampler = await startLinkSampler(
      env.NS_ROUTER!,
      busiestDev,
      Number(process.env.BENCH_SAMPLE_MS ?? 20),
    );
    const tcpBefore = readTcpCounters();
    const started = Date.now();
    const t = await run().finally(() => {
      for (const x of sampler.stop()) {
        if (x.at >= started) samples.push({ ms: x.at - started, bytes: x.tx - before[busiestDev]!.tx });
      }
    });
    // BENCH_SAMPLES=DIR keeps each contender's busiest-link samples (ms, bytes) for a closer look at stalls.
    if (process.env.BENCH_SAMPLES) {
      writeFileSync(
        path.join(process.env.BENCH_SAMPLES, `${name.replace(/\W+/g, '-')}-${Date.now()}.json`),
        JSON.stringify(samples),
      );
    }
    const after = readCounters(env.NS_ROUTER!);
    const tcpAfter = readTcpCounters();
    const tcp = {
      retransSegs: tcpAfter.retransSegs - tcpBefore.retransSegs,
      timeouts: tcpAfter.timeouts - tcpBefore.timeouts,
      lossProbes: tcpAfter.lossProbes - tcpBefore.lossProbes,
    };
    const total = after[busiestDev]!.tx - before[busiestDev]!.tx;
    const firstMs = samples.find((x) => x.bytes > 256 * 1024)?.ms ?? NaN;
    const at99Ms = samples.find((x) => x.bytes >= 0.99 * total)?.ms ?? NaN;
    const delta = (dev: string) => ({
      down: after[dev]!.tx - before[dev]!.tx,
      up: after[dev]!.rx - before[dev]!.rx,
    });
    const requests = Object.fromEntries(
      await Promise.all(
        Object.entries(logs).map(async ([k, f]) => [k, await logSince(f, offsets[k]!)] as const),
      ),
    );
    const sourceBlobBytes = requests
      .SRC!.filter((r) => r.method === 'GET' && classify(r) === 'blob' && r.status < 300)
      .reduce((n, r) => n + r.bytes, 0);
    return {
      name,
      ms: t.ms,
      busiestLink: { firstMs, at99Ms },
      rssKb: t.rssKb,
      links: Object.fromEntries(['RUN', 'SRC', ...DESTS].map((k) => [k, delta(env[`DEV_${k}`]!)])),
      sourceBlobBytes,
      requests,
      tcp,
      doneMs: t.doneMs,
    };
  };

  const ours = (repo: string) => {
    const dir = path.join(scratch, `action-${repo.replace(/\W/g, '-')}`);
    return async (): Promise<Timed> => {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'out'), '');
      await writeFile(path.join(dir, 'summary'), '');
      const actionEnv: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: path.join(dir, 'out'),
        GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
        INPUT_SOURCE: `${src}/bench/app:v1`,
        INPUT_DESTINATIONS: dests.map((d) => `${d}/${repo}:v1`).join('\n'),
        'INPUT_REGISTRY-AUTHS': JSON.stringify(allHosts.map((h) => ({ registry: h, insecure: true }))),
        // BENCH_NODE_OPTIONS=--require=… preloads a tracer into ours (e.g. a diagnostics_channel request log).
        ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      };
      const t = await timed('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, bundle], actionEnv);
      // Each destination's `durationMs` (the action's `json` output) ends it; the slowest ends with the process.
      const out = await readFile(path.join(dir, 'out'), 'utf8');
      const json = /^json<<(\S+)\n([\s\S]*?)\n\1$/m.exec(out)?.[2];
      const record = json
        ? (JSON.parse(json) as { 'image-record': { destinations: Record<string, { durationMs: number }> } })[
            'image-record'
          ].destinations
        : {};
      const durations = dests.map((d) => record[`${d}/${repo}`]?.durationMs ?? NaN);
      const last = Math.max(...durations);
      return { ...t, doneMs: durations.map((d) => t.ms - (last - d)) };
    };
  };
  // skopeo remembers where it saw each blob (its blob-info cache) and mounts from there: each copy gets an empty
  // cache in a private mount namespace, so no contender starts from another's uploads.
  const skopeo = (repo: string) =>
    dests.map((d) => [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      'mount -t tmpfs tmpfs /var/lib/containers/cache && exec "$@"',
      'sh',
      'skopeo',
      'copy',
      '--all',
      '--preserve-digests',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src-no-creds',
      `docker://${src}/bench/app:v1`,
      `docker://${d}/${repo}:v1`,
    ]);

  const outcomes: Outcome[][] = [];
  let oursRepo = '';
  for (let round = 1; round <= rounds; round++) {
    const r = `r${round}-${Date.now().toString(36)}`;
    oursRepo = `ours-${r}/app`;
    const contenders: [string, () => Promise<Timed>][] = [
      ['multi-registry-push (ours)', ours(oursRepo)],
      [
        'skopeo copy --all ×3 sequential',
        () => makeRun(scratch, 'skopeo-seq', skopeo(`skopeo-seq-${r}/app`), 1, toolEnv),
      ],
      [
        'skopeo copy --all ×3 parallel',
        () => makeRun(scratch, 'skopeo-par', skopeo(`skopeo-par-${r}/app`), 3, toolEnv),
      ],
      [
        'crane copy ×3 parallel',
        () =>
          makeRun(
            scratch,
            'crane',
            dests.map((d) => [crane, 'copy', '--insecure', `${src}/bench/app:v1`, `${d}/crane-${r}/app:v1`]),
            3,
            toolEnv,
          ),
      ],
      [
        'regctl image copy --referrers ×3 parallel',
        () =>
          makeRun(
            scratch,
            'regctl',
            dests.map((d) => [
              regctl,
              'image',
              'copy',
              '--referrers',
              `${src}/bench/app:v1`,
              `${d}/regctl-${r}/app:v1`,
            ]),
            3,
            toolEnv,
          ),
      ],
    ];
    const selected = contenders.filter(([n], i) => i === 0 || !only || only.some((o) => n.includes(o)));
    const results: Outcome[] = new Array<Outcome>(selected.length);
    // Each round starts with the next contender, so none always runs first (or always after the same one).
    for (let k = 0; k < selected.length; k++) {
      const index = (k + round - 1) % selected.length;
      const [name, run] = selected[index]!;
      // Write back what the previous contender left in the page cache, so its disk writes don't land on this one.
      spawnSync('sync');
      process.stdout.write(`round ${round}: ${name} … `);
      const o = await measure(name, run);
      console.log(
        `${(o.ms / 1000).toFixed(2)} s (${busiest.link}: first bytes ${(o.busiestLink.firstMs / 1000).toFixed(2)} s, 99 % ${(o.busiestLink.at99Ms / 1000).toFixed(2)} s; TCP: ${o.tcp.retransSegs} segments re-sent, ${o.tcp.timeouts} timeouts, ${o.tcp.lossProbes} loss probes; destinations done at ${o.doneMs.map((d) => (d / 1000).toFixed(2)).join(' / ')} s)`,
      );
      results[index] = o;
    }
    outcomes.push(results);
  }

  // Re-run of ours into the last round's repositories: everything is there already.
  const rerunRepo = oursRepo;
  spawnSync('sync');
  const rerun = await measure('re-run', ours(rerunRepo));
  const bare: number[] = [];
  for (let i = 0; i < 5; i++) bare.push((await timed(process.execPath, ['-e', '0'], process.env)).ms);
  const bareMs = median(bare);

  printTables(outcomes, { imageBytes, blobBytes, busiest, closure: { manifests: closure.manifests.length } });
  console.log(`\n== re-run of ours: every destination already holds the image (${rerunRepo}) ==`);
  const line = (k: string, v: string) => console.log(`${k.padEnd(52)} ${v}`);
  let maxManifestRequests = 0;
  let blobRequests = 0;
  for (const d of DESTS) {
    const reqs = rerun.requests[d]!;
    const byKind = { blob: 0, manifest: 0, other: 0 };
    for (const q of reqs) byKind[classify(q)]++;
    maxManifestRequests = Math.max(maxManifestRequests, byKind.manifest);
    blobRequests += byKind.blob;
    const detail = reqs.map((q) => `${q.method} ${q.path.replace(/^\/v2\/[^/]+\/[^/]+\//, '').slice(0, 40)}`);
    line(
      `requests at ${d.toLowerCase()}`,
      `${reqs.length}: ${byKind.manifest} manifest, ${byKind.blob} blob, ${byKind.other} other (${detail.join('; ')})`,
    );
  }
  line('blob requests (target 0)', `${blobRequests} ${verdict(blobRequests === 0)}`);
  line(
    `manifest requests per destination (target ≤ ${closure.manifests.length})`,
    `${maxManifestRequests} ${verdict(maxManifestRequests <= closure.manifests.length)}`,
  );
  line('source blob bytes read', `${rerun.sourceBlobBytes}`);
  line(
    're-run wall / bare `node -e 0` (median of 5)',
    `${(rerun.ms / 1000).toFixed(3)} s / ${(bareMs / 1000).toFixed(3)} s: +${((rerun.ms - bareMs) / 1000).toFixed(3)} s (target ≤ 1 s) ${verdict(rerun.ms - bareMs <= 1000)}`,
  );
  line(
    'machine',
    `${os.cpus().length} cores, Node ${process.version}, kernel ${os.release()}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${new Date().toISOString().slice(0, 16)}Z`,
  );
  await rm(scratch, { recursive: true, force: true });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function verdict(ok: boolean): string {
  return ok ? 'MET' : 'MISSED';
}

function printTables(
  outcomes: Outcome[][],
  image: {
    imageBytes: number;
    blobBytes: number;
    busiest: { link: string; seconds: number };
    closure: { manifests: number };
  },
): void {
  const names = outcomes[0]!.map((o) => o.name);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  console.log(`\n== copy over the shaped network (${outcomes.length} round(s); medians) ==`);
  console.log(
    [
      'contender'.padEnd(42),
      'wall s'.padStart(7),
      '/limit'.padStart(7),
      'src blob×'.padStart(9),
      'run↓ MB'.padStart(8),
      'run↑ MB'.padStart(8),
      'd1↓ MB'.padStart(7),
      'd2↓ MB'.padStart(7),
      'd3↓ MB'.padStart(7),
      'RSS MB max/sum'.padStart(15),
      `${image.busiest.link}: start/99 %/end s`.padStart(28),
      'd1/d2/d3 done s'.padStart(19),
    ].join(' '),
  );
  const summary = names.map((name, i) => {
    const runs = outcomes.map((r) => r[i]!);
    const pick = (f: (o: Outcome) => number) => median(runs.map(f));
    const ms = pick((o) => o.ms);
    const srcRatio = pick((o) => o.sourceBlobBytes) / image.blobBytes;
    const rssMax = pick((o) => Math.max(...o.rssKb) / 1024);
    const rssSum = pick((o) => o.rssKb.reduce((a, b) => a + b, 0) / 1024);
    console.log(
      [
        name.padEnd(42),
        (ms / 1000).toFixed(2).padStart(7),
        (ms / 1000 / image.busiest.seconds).toFixed(3).padStart(7),
        `${srcRatio.toFixed(2)}×`.padStart(9),
        mb(pick((o) => o.links.RUN!.down)).padStart(8),
        mb(pick((o) => o.links.RUN!.up)).padStart(8),
        mb(pick((o) => o.links.D1!.down)).padStart(7),
        mb(pick((o) => o.links.D2!.down)).padStart(7),
        mb(pick((o) => o.links.D3!.down)).padStart(7),
        `${rssMax.toFixed(0)}/${rssSum.toFixed(0)}`.padStart(15),
        [pick((o) => o.busiestLink.firstMs), pick((o) => o.busiestLink.at99Ms), ms]
          .map((x) => (x / 1000).toFixed(2))
          .join(' / ')
          .padStart(28),
        runs[0]!.doneMs
          .map((_, d) => (pick((o) => o.doneMs[d] ?? NaN) / 1000).toFixed(1))
          .join(' / ')
          .padStart(19),
      ].join(' '),
    );
    return { name, ms, srcRatio };
  });
  const ours = summary[0]!;
  // `--only none`: ours alone (a trace or a sample series), nothing to compare with.
  const best = summary
    .slice(1)
    .reduce<(typeof summary)[number] | undefined>(
      (a, b) => (a === undefined || b.ms < a.ms ? b : a),
      undefined,
    );
  const line = (k: string, v: string) => console.log(`${k.padEnd(52)} ${v}`);
  console.log('');
  line(
    'ours / physical limit (target ≤ 1.15)',
    `${(ours.ms / 1000 / image.busiest.seconds).toFixed(3)} (${(ours.ms / 1000).toFixed(2)} s vs ${image.busiest.seconds.toFixed(2)} s, ${image.busiest.link}) ${verdict(ours.ms / 1000 / image.busiest.seconds <= 1.15)}`,
  );
  if (best) {
    line(
      'ours / best peer (target ≤ 1)',
      `${(ours.ms / best.ms).toFixed(3)} (best: ${best.name}, ${(best.ms / 1000).toFixed(2)} s) ${verdict(ours.ms <= best.ms)}`,
    );
  }
  line(
    'source blob bytes read by ours (target 1.00×)',
    `${ours.srcRatio.toFixed(2)}× ${verdict(Math.abs(ours.srcRatio - 1) < 0.005)}`,
  );
  const seq = summary.find((s) => s.name.includes('sequential'));
  if (seq) line('ours / skopeo ×3 sequential', (ours.ms / seq.ms).toFixed(3));
}
