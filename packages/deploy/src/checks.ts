import { DeployError } from './errors';
import type { LiveState } from './live-state';
import { PREVIEW_HEADER, type Slot } from './model';
import { runCheck, type ProbeResult } from './probes';
import { sleep, type DeploySession } from './session';
import { switchTo } from './traffic';

/** Runs the smoke checks in order against `service` (serving `color`); returns the first failure, if any. */
export async function runChecks(
  s: DeploySession,
  phase: 'smoke' | 'verify',
  service: string,
  color: Slot,
): Promise<ProbeResult | undefined> {
  const port = s.options.smokeChecks.some((c) => !c.url && !c.command && c.port === undefined)
    ? await servicePort(s, service)
    : undefined;
  for (const check of s.options.smokeChecks) {
    const r = await runCheck(s.client, check, {
      phase,
      namespace: s.ns,
      service,
      color,
      port,
      urlHeaders:
        phase === 'smoke' && s.routeMethod === 'gateway-api' ? { [PREVIEW_HEADER]: 'true' } : undefined,
    });
    s.rec.probes.push(r);
    if (!r.ok) return r;
  }
  return undefined;
}

/** The first port of a Service (its name, else its number), for checks that name no port. */
async function servicePort(s: DeploySession, service: string): Promise<string | number | undefined> {
  if (!s.servicePorts.has(service)) {
    const live = await s.client.get('v1', 'Service', s.ns, service);
    const first = (live?.spec as { ports?: { name?: string; port?: number }[] } | undefined)?.ports?.[0];
    s.servicePorts.set(service, first?.name || first?.port);
  }
  return s.servicePorts.get(service);
}

/** Probes the live Service for the verification window; on the first failure, switches back at once. */
export async function verifyWindow(
  s: DeploySession,
  to: Slot,
  from: Slot | undefined,
  state: LiveState,
  revert: Record<string, string>,
): Promise<{ failed?: ProbeResult; rolledBack: boolean }> {
  const { options, rec } = s;
  if (options.verifyWindowMs <= 0 || options.smokeChecks.length === 0) {
    rec.skip(
      'verify window',
      options.smokeChecks.length === 0
        ? `no ${options.inputNames.smokeChecks} configured`
        : `${options.inputNames.verifyWindow} is 0`,
    );
    return { rolledBack: false };
  }
  const end = Date.now() + options.verifyWindowMs;
  let failed: ProbeResult | undefined;
  await rec
    .step(
      'verify window',
      async () => {
        while (Date.now() < end && !failed) {
          failed = await runChecks(s, 'verify', s.serviceName, to);
          if (!failed) await sleep(Math.min(options.verifyIntervalMs ?? 1000, Math.max(0, end - Date.now())));
        }
        if (failed) throw new DeployError('VERIFY_FAILED', `${failed.check} failed: ${failed.detail}`);
      },
      () => `${Math.round(options.verifyWindowMs / 1000)}s of probes passed`,
    )
    .catch((e: unknown) => {
      if (!failed) throw e;
    });
  if (!failed) return { rolledBack: false };
  if (!from) {
    rec.skip('switch back', 'no previous colour to switch back to (first deploy)');
    return { failed, rolledBack: false };
  }
  await rec.step(
    'switch back',
    () => switchTo(s, from, to, state, revert),
    (objs) => `${objs.join(', ')} → ${from}`,
  );
  return { failed, rolledBack: true };
}
