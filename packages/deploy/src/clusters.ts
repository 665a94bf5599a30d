import { InputError } from '@deliverkit/action-kit';
import type { ClusterSpec } from './run';

/**
 * The clusters to deploy to, as the caller's clusters input gives them (`input` names it in errors): a YAML list of context names or
 * `{name, context, kubeconfig}` mappings. Each kubeconfig goes to `onSecret` (masked) as soon as it is read.
 */
export function parseClusters(
  value: unknown,
  options: { onSecret: (secret: string) => void; input: string },
): ClusterSpec[] {
  const { input } = options;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(input, `Input "${input}" must be a YAML list`);
  const specs = value.map((item, i): ClusterSpec => {
    if (typeof item === 'string') return { name: item, context: item };
    if (typeof item !== 'object' || item === null)
      throw new InputError(input, `Input "${input}" item ${i + 1} must be a context name or a mapping`);
    const c = item as Record<string, unknown>;
    for (const k of Object.keys(c)) {
      if (!['name', 'context', 'kubeconfig'].includes(k))
        throw new InputError(input, `Input "${input}" item ${i + 1} has unknown key ${JSON.stringify(k)}`);
    }
    if (c.kubeconfig !== undefined && typeof c.kubeconfig !== 'string')
      throw new InputError(input, `Input "${input}" item ${i + 1}: kubeconfig must be YAML text`);
    if (typeof c.kubeconfig === 'string') options.onSecret(c.kubeconfig);
    const name =
      typeof c.name === 'string' ? c.name : typeof c.context === 'string' ? c.context : `cluster-${i + 1}`;
    return {
      name,
      context: typeof c.context === 'string' ? c.context : undefined,
      kubeconfig: c.kubeconfig as string | undefined,
    };
  });
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name))
      throw new InputError(input, `Input "${input}" names ${JSON.stringify(s.name)} twice`);
    names.add(s.name);
  }
  return specs;
}
