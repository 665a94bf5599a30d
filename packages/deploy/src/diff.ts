import { stringify } from 'yaml';
import type { KObject } from './kube';

const VOLATILE_META = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
];

/** An object without the fields the server owns (status, bookkeeping), for diffs. */
export function normalizeForDiff(obj: KObject | undefined): Record<string, unknown> | undefined {
  if (!obj) return undefined;
  const copy = structuredClone(obj) as Record<string, unknown> & { metadata: Record<string, unknown> };
  delete copy.status;
  for (const k of VOLATILE_META) delete copy.metadata[k];
  return copy;
}

/** A unified-style line diff (`-` live, `+` would-be) with `context` lines around changes; '' when equal. */
export function diffObjects(live: KObject | undefined, next: KObject | undefined, context = 2): string {
  const a = live ? stringify(normalizeForDiff(live), { sortMapEntries: true }).split('\n') : [];
  const b = next ? stringify(normalizeForDiff(next), { sortMapEntries: true }).split('\n') : [];
  return diffLines(a, b, context);
}

export function diffLines(a: string[], b: string[], context = 2): string {
  const n = a.length;
  const m = b.length;
  // LCS table: manifests are small (hundreds of lines), so O(n·m) is fine.
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i++] as string });
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) ops.push({ op: '-', line: a[i++] as string });
    else ops.push({ op: '+', line: b[j++] as string });
  }
  while (i < n) ops.push({ op: '-', line: a[i++] as string });
  while (j < m) ops.push({ op: '+', line: b[j++] as string });
  if (!ops.some((o) => o.op !== ' ')) return '';
  const keep = new Set<number>();
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    for (let c = Math.max(0, k - context); c <= Math.min(ops.length - 1, k + context); c++) keep.add(c);
  });
  const out: string[] = [];
  let last = -1;
  ops.forEach((o, k) => {
    if (!keep.has(k)) return;
    if (last >= 0 && k !== last + 1) out.push('…');
    out.push(`${o.op} ${o.line}`);
    last = k;
  });
  return out.join('\n');
}
