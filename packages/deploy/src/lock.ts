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
  /** Why the lock was lost (renewal failed, or another holder took it), once it was. */
  readonly lost: string | undefined;
  /** Throws DeployError LOCK_LOST once the lock is lost: called before every write. */
  assertHeld(): void;
  /** Renews the lease; called periodically while held. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/** MicroTime, as coordination.k8s.io/v1 writes it. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * The Lease holder identity of a GitHub Actions job: repository, run, attempt and job
 * (`octo/shop/runs/123/attempts/2/jobs/deploy`), so a held lock names exactly who holds it.
 */
export function leaseHolder(job: {
  repository?: string;
  runId?: string;
  runAttempt?: string;
  job?: string;
}): string {
  const run = job.runId ?? String(process.pid);
  return `${job.repository ?? 'local'}/runs/${run}/attempts/${job.runAttempt ?? '1'}/jobs/${job.job ?? 'local'}`;
}

const HOLDER = /^(.+)\/runs\/([^/]+)\/attempts\/(\d+)\/jobs\/(.+)$/;

/**
 * Whether `mine` is a later attempt of the same run and job as `holder`: GitHub starts a re-run attempt only once
 * the earlier one has finished, so its lock is stale and the new attempt takes it at once.
 */
export function supersedes(mine: string, holder: string): boolean {
  const a = HOLDER.exec(mine);
  const b = HOLDER.exec(holder);
  return !!a && !!b && a[1] === b[1] && a[2] === b[2] && a[4] === b[4] && Number(a[3]) > Number(b[3]);
}

/**
 * Lease expiry judged by this runner's own clock, as client-go's leader election does: a holder's lease expires
 * `leaseDurationSeconds` after we first saw its current renewTime, never by comparing the renewTime it wrote (another
 * runner's clock, possibly skewed) with ours.
 */
class ExpiryClock {
  private seen = new Map<string, number>();
  expiry(lease: LeaseObject): number {
    const key = `${lease.spec?.holderIdentity ?? ''}\n${lease.spec?.renewTime ?? lease.spec?.acquireTime ?? ''}`;
    let at = this.seen.get(key);
    if (at === undefined) {
      at = Date.now();
      this.seen.set(key, at);
    }
    return at + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
  }
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
  const clock = new ExpiryClock();
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
      const expires = clock.expiry(live);
      if (
        !holder ||
        holder === options.holder ||
        supersedes(options.holder, holder) ||
        expires < now.getTime()
      ) {
        const transitions = (live.spec?.leaseTransitions ?? 0) + (holder === options.holder ? 0 : 1);
        await client.replace({ ...live, spec: { ...spec, leaseTransitions: transitions } });
        // Taking a lock from another holder is what the on-call engineer needs to see in the log: whose, and why.
        if (holder && holder !== options.holder)
          options.logger?.warning(
            `Took Lease ${options.namespace}/${options.name} from ${expires < now.getTime() ? 'expired' : 'an earlier attempt of this job,'} holder "${holder}"`,
          );
        else options.logger?.debug(`acquireLeaseLock: took ${options.name}`);
        break;
      }
      if (holder !== lastHolder)
        options.logger?.info(
          `Waiting for Lease ${options.namespace}/${options.name}: held by "${holder}" until ${new Date(expires).toISOString()} by this runner's clock unless renewed (giving up after ${Math.round(options.waitMs / 1000)}s)`,
        );
      lastHolder = holder;
      lastExpiry = expires;
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.code === 'ALREADY_EXISTS' || e.code === 'CONFLICT'))) throw e;
      continue;
    }
    if (Date.now() + poll > deadline) {
      throw new DeployError(
        'LOCK_HELD',
        `Another deployment holds the lock (Lease ${options.namespace}/${options.name}, holder "${lastHolder}", expires ${new Date(lastExpiry).toISOString()} by this runner's clock unless renewed). Waited ${Math.round(options.waitMs / 1000)}s; re-run when it has finished, or delete the Lease if that run is gone`,
      );
    }
    await new Promise((r) => setTimeout(r, poll));
  }

  let released = false;
  let lost: string | undefined;
  let lastRenewed = Date.now();
  const update = async (mutate: (l: LeaseObject) => LeaseObject) => {
    for (let i = 0; i < 5; i++) {
      const live = await client.get<LeaseObject>(
        'coordination.k8s.io/v1',
        'Lease',
        options.namespace,
        options.name,
      );
      if (!live || live.spec?.holderIdentity !== options.holder) {
        if (!released)
          lost ??= live
            ? `another holder took it: "${live.spec?.holderIdentity ?? ''}"`
            : 'the Lease was deleted';
        return;
      }
      try {
        await client.replace(mutate(live));
        lastRenewed = Date.now();
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.code === 'CONFLICT')) throw e;
      }
    }
  };
  const renew = () => update((l) => ({ ...l, spec: { ...l.spec, renewTime: microTime(new Date()) } }));
  const timer = setInterval(
    () => {
      if (released || lost) return;
      void renew().catch((e: unknown) => {
        // A failed renewal is fatal only once the lease may have expired for the others.
        if (Date.now() - lastRenewed >= options.ttlSeconds * 1000)
          lost ??= `renewal failed for ${options.ttlSeconds}s: ${e instanceof Error ? e.message : String(e)}`;
      });
    },
    Math.max(500, (options.ttlSeconds * 1000) / 3),
  );
  timer.unref();
  const assertHeld = () => {
    if (!lost && !released && Date.now() - lastRenewed >= options.ttlSeconds * 1000)
      lost = `not renewed for ${options.ttlSeconds}s`;
    if (lost)
      throw new DeployError(
        'LOCK_LOST',
        `Lost the deploy lock (Lease ${options.namespace}/${options.name}, holder "${options.holder}"): ${lost}. Stopped before the next write; re-run once the other deployment has finished`,
      );
  };
  return {
    holder: options.holder,
    get lost() {
      return lost;
    },
    assertHeld,
    renew: async () => {
      await renew();
      assertHeld();
    },
    release: async () => {
      released = true;
      clearInterval(timer);
      if (lost) return;
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
  // One look: by our own clock the lease has just been observed, so it counts as held.
  if (!live?.spec?.holderIdentity || (live.spec.leaseDurationSeconds ?? 0) <= 0) return undefined;
  return live.spec.holderIdentity;
}
