import type { Logger } from '@deliverkit/action-kit';
import { DeployError, KubeApiError } from './errors';
import type { KObject, KubeClient } from './kube';

export interface LeaseLockOptions {
  namespace: string;
  name: string;
  /** Who holds it: one identity per workflow run, so a re-run of the same run takes it back at once. */
  holder: string;
  /** The lease expires this long after its last renewal, so a crashed run does not block forever. */
  ttlSeconds: number;
  /** How long to wait for another holder before failing. */
  waitMs: number;
  pollMs?: number;
  logger?: Logger;
}

interface LeaseObject extends KObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface HeldLock {
  holder: string;
  /** Renews the lease; called periodically while held. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/** MicroTime, as coordination.k8s.io/v1 writes it. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function expiry(lease: LeaseObject): number {
  const renew = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? '');
  return Number.isNaN(renew) ? 0 : renew + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
}

/**
 * A mutual-exclusion lock on a coordination.k8s.io/v1 Lease, the way client-go's leader election
 * uses one: take it when absent, free, ours or expired, with optimistic concurrency (create → 409
 * AlreadyExists, update → 409 Conflict means somebody else won the race: read again). Renewed in the
 * background while held.
 */
export async function acquireLeaseLock(client: KubeClient, options: LeaseLockOptions): Promise<HeldLock> {
  const deadline = Date.now() + options.waitMs;
  const poll = options.pollMs ?? 1000;
  const base: KObject = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'deliverkit' },
    },
  };
  let lastHolder = '';
  let lastExpiry = 0;
  for (;;) {
    const now = new Date();
    const live = await client.get<LeaseObject>(
      'coordination.k8s.io/v1',
      'Lease',
      options.namespace,
      options.name,
    );
    const spec = {
      holderIdentity: options.holder,
      leaseDurationSeconds: options.ttlSeconds,
      acquireTime: microTime(now),
      renewTime: microTime(now),
    };
    try {
      if (!live) {
        await client.create({ ...base, spec: { ...spec, leaseTransitions: 0 } });
        break;
      }
      const holder = live.spec?.holderIdentity ?? '';
      if (!holder || holder === options.holder || expiry(live) < now.getTime()) {
        const transitions = (live.spec?.leaseTransitions ?? 0) + (holder === options.holder ? 0 : 1);
        await client.replace({ ...live, spec: { ...spec, leaseTransitions: transitions } });
        options.logger?.debug(
          `acquireLeaseLock: took ${options.name}${holder && holder !== options.holder ? ` from expired holder ${holder}` : ''}`,
        );
        break;
      }
      lastHolder = holder;
      lastExpiry = expiry(live);
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.code === 'ALREADY_EXISTS' || e.code === 'CONFLICT'))) throw e;
      continue;
    }
    if (Date.now() + poll > deadline) {
      throw new DeployError(
        'LOCK_HELD',
        `Another deployment holds the lock (Lease ${options.namespace}/${options.name}, holder "${lastHolder}", expires ${new Date(lastExpiry).toISOString()} unless renewed). Waited ${Math.round(options.waitMs / 1000)}s; re-run when it has finished, or delete the Lease if that run is gone`,
      );
    }
    await new Promise((r) => setTimeout(r, poll));
  }

  let released = false;
  const update = async (mutate: (l: LeaseObject) => LeaseObject) => {
    for (let i = 0; i < 5; i++) {
      const live = await client.get<LeaseObject>(
        'coordination.k8s.io/v1',
        'Lease',
        options.namespace,
        options.name,
      );
      if (!live || live.spec?.holderIdentity !== options.holder) return;
      try {
        await client.replace(mutate(live));
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.code === 'CONFLICT')) throw e;
      }
    }
  };
  const timer = setInterval(
    () => {
      if (!released)
        void update((l) => ({ ...l, spec: { ...l.spec, renewTime: microTime(new Date()) } })).catch(() => {});
    },
    Math.max(1000, (options.ttlSeconds * 1000) / 3),
  );
  timer.unref();
  return {
    holder: options.holder,
    renew: () => update((l) => ({ ...l, spec: { ...l.spec, renewTime: microTime(new Date()) } })),
    release: async () => {
      released = true;
      clearInterval(timer);
      // As client-go's ReleaseOnCancel: empty holder and a 1s duration, so the next run takes it at once.
      await update((l) => ({
        ...l,
        spec: { ...l.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(new Date()) },
      }));
    },
  };
}

/** Who holds the lock now (for dry-run plans), or undefined when free or expired. */
export async function readLeaseHolder(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  const live = await client.get<LeaseObject>('coordination.k8s.io/v1', 'Lease', namespace, name);
  if (!live?.spec?.holderIdentity || expiry(live) < Date.now()) return undefined;
  return live.spec.holderIdentity;
}
