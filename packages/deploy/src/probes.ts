import { InputError, exec, getErrorMessage, parseDuration } from '@deliverkit/action-kit';
import type { KubeClient } from './kube';

/** One smoke/verification check, as written in the `smoke-checks` input (YAML list). */
export interface SmokeCheck {
  name: string;
  /** HTTP path on the Service, reached through the API server's service proxy. */
  path?: string;
  /** Or an absolute URL (an ingress or gateway host). */
  url?: string;
  /** Service port name or number (default: the Service's first port). */
  port?: string | number;
  method: string;
  headers: Record<string, string>;
  expectStatus: number[];
  /** Substring the body must contain, or `/regex/`. */
  expectBody?: string;
  /** Or a command (argument array, no shell) that must exit 0. */
  command?: string[];
  retries: number;
  intervalMs: number;
  timeoutMs: number;
}

export interface ProbeTarget {
  /** `smoke` runs against the preview, `verify` against the live Service after the switch. */
  phase: 'smoke' | 'verify';
  namespace: string;
  service: string;
  color: string;
  /** Extra headers for URL checks (the Gateway API preview header). */
  urlHeaders?: Record<string, string>;
  /**
   * The Service port a check without `port` goes to: the Service's first port, by name when it has one. The API
   * server's service proxy matches an omitted port only against an unnamed endpoint port, so a Service whose
   * port is named (`http`) answers 503 "no endpoints available" to `services/NAME/proxy/…`.
   */
  port?: string | number;
}

export interface ProbeResult {
  check: string;
  phase: 'smoke' | 'verify';
  target: string;
  ok: boolean;
  attempts: number;
  status?: number;
  detail: string;
  durationMs: number;
  at: string;
}

const KEYS = new Set([
  'name',
  'path',
  'url',
  'port',
  'method',
  'headers',
  'expect-status',
  'expect-body',
  'command',
  'retries',
  'interval',
  'timeout',
]);

/** Validates the smoke-checks input (already parsed from YAML); `input` is the caller's name for it. */
export function parseSmokeChecks(value: unknown, input: string): SmokeCheck[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(input, `Input "${input}" must be a YAML list of checks`);
  return value.map((raw, i) => {
    const where = `Input "${input}" item ${i + 1}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InputError(input, `${where} must be a mapping`);
    const c = raw as Record<string, unknown>;
    for (const k of Object.keys(c))
      if (!KEYS.has(k))
        throw new InputError(
          input,
          `${where} has unknown key ${JSON.stringify(k)} (known: ${[...KEYS].join(', ')})`,
        );
    const targets = ['path', 'url', 'command'].filter((k) => c[k] !== undefined);
    if (targets.length !== 1)
      throw new InputError(input, `${where} must set exactly one of path, url or command`);
    if (c.path !== undefined && (typeof c.path !== 'string' || !c.path.startsWith('/')))
      throw new InputError(input, `${where}: path must start with /`);
    if (c.url !== undefined && (typeof c.url !== 'string' || !/^https?:\/\//.test(c.url)))
      throw new InputError(input, `${where}: url must be an http(s) URL`);
    let command: string[] | undefined;
    if (c.command !== undefined) {
      if (
        !Array.isArray(c.command) ||
        c.command.length === 0 ||
        !c.command.every((a) => typeof a === 'string')
      ) {
        throw new InputError(
          input,
          `${where}: command must be a non-empty list of strings (an argument array; no shell)`,
        );
      }
      command = c.command as string[];
    }
    const statuses =
      c['expect-status'] === undefined
        ? [200]
        : Array.isArray(c['expect-status'])
          ? c['expect-status']
          : [c['expect-status']];
    if (!statuses.every((s) => Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 599))
      throw new InputError(input, `${where}: expect-status must be HTTP status codes`);
    const retries = c.retries === undefined ? 2 : c.retries;
    if (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > 100)
      throw new InputError(input, `${where}: retries must be a whole number from 0 to 100`);
    const headers = c.headers ?? {};
    if (
      typeof headers !== 'object' ||
      headers === null ||
      Array.isArray(headers) ||
      !Object.values(headers).every((v) => typeof v === 'string')
    ) {
      throw new InputError(input, `${where}: headers must map names to strings`);
    }
    return {
      name: typeof c.name === 'string' ? c.name : String(c.path ?? c.url ?? (command ?? []).join(' ')),
      path: c.path as string | undefined,
      url: c.url as string | undefined,
      port: c.port as string | number | undefined,
      method: typeof c.method === 'string' ? c.method.toUpperCase() : 'GET',
      headers: headers as Record<string, string>,
      expectStatus: statuses as number[],
      expectBody: c['expect-body'] === undefined ? undefined : String(c['expect-body']),
      command,
      retries: retries as number,
      intervalMs: parseDuration(`${input}[${i}].interval`, String(c.interval ?? '1s')),
      timeoutMs: parseDuration(`${input}[${i}].timeout`, String(c.timeout ?? '5s')),
    };
  });
}

function bodyMatches(expect: string, body: string): boolean {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(expect);
  if (re) return new RegExp(re[1] as string, re[2]).test(body);
  return body.includes(expect);
}

/** One attempt. */
async function attempt(
  client: KubeClient | undefined,
  check: SmokeCheck,
  target: ProbeTarget,
): Promise<{ ok: boolean; status?: number; detail: string }> {
  if (check.command) {
    const [cmd, ...args] = check.command;
    const res = await exec(cmd as string, args, {
      ignoreReturnCode: true,
      timeoutMs: check.timeoutMs,
      env: {
        DELIVERKIT_PHASE: target.phase,
        DELIVERKIT_NAMESPACE: target.namespace,
        DELIVERKIT_SERVICE: target.service,
        DELIVERKIT_COLOR: target.color,
      },
    });
    const last = (res.stderr || res.stdout).trim().split('\n').pop() ?? '';
    return { ok: res.exitCode === 0, detail: `exit ${res.exitCode}${last ? `: ${last.slice(0, 200)}` : ''}` };
  }
  if (!client) return { ok: false, detail: 'no cluster access' };
  const options = {
    method: check.method,
    headers: { ...check.headers, ...(check.url ? target.urlHeaders : {}) },
    timeoutMs: check.timeoutMs,
  };
  const res = check.url
    ? await client.request(new URL(check.url), options)
    : await client.proxy(
        target.namespace,
        target.service,
        check.port ?? target.port,
        check.path ?? '/',
        options,
      );
  if (!check.expectStatus.includes(res.status)) {
    return {
      ok: false,
      status: res.status,
      detail: `HTTP ${res.status}, expected ${check.expectStatus.join(' or ')}: ${res.body.slice(0, 200)}`,
    };
  }
  if (check.expectBody !== undefined && !bodyMatches(check.expectBody, res.body)) {
    return {
      ok: false,
      status: res.status,
      detail: `body does not match ${check.expectBody}: ${res.body.slice(0, 200)}`,
    };
  }
  return { ok: true, status: res.status, detail: `HTTP ${res.status}` };
}

/** Runs a check with its retries; never throws. */
export async function runCheck(
  client: KubeClient | undefined,
  check: SmokeCheck,
  target: ProbeTarget,
  retries = check.retries,
): Promise<ProbeResult> {
  const started = Date.now();
  let last: { ok: boolean; status?: number; detail: string } = { ok: false, detail: 'not run' };
  let attempts = 0;
  for (let i = 0; i <= retries; i++) {
    attempts++;
    try {
      last = await attempt(client, check, target);
    } catch (e) {
      last = { ok: false, detail: getErrorMessage(e) };
    }
    if (last.ok) break;
    if (i < retries) await new Promise((r) => setTimeout(r, check.intervalMs));
  }
  return {
    check: check.name,
    phase: target.phase,
    target: check.url ?? (check.command ? 'command' : `${target.service}${check.path}`),
    ok: last.ok,
    attempts,
    status: last.status,
    detail: last.detail,
    durationMs: Date.now() - started,
    at: new Date(started).toISOString(),
  };
}
