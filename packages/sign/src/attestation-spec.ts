import { SignError } from './errors';
import type { AttestationType } from './statement';

/** One line of the `attestations` input: what to attest with which file, and to which manifest. */
export interface AttestationSpec {
  type: AttestationType;
  path: string;
  predicateType?: string;
  /** Attest this platform manifest of the index instead of the index. */
  platform?: string;
  source: string;
}

/**
 * Parses one `attestations` line. Throws a SignError (ATTESTATION_SPEC_INVALID) saying what is wrong; the caller names
 * the input (action-kit's parseWith turns it into an InputError).
 *
 * `type=spdx,path=sbom.json` | `type=cyclonedx,path=…` | `type=slsaprovenance1,path=…` | `type=custom,predicate-type=URL,path=…`
 */
export function parseAttestation(line: string): AttestationSpec {
  const fields: Record<string, string> = {};
  for (const part of line.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw invalid(`expected key=value, got "${part}"`);
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const type = fields.type as AttestationType | undefined;
  if (!type || !['spdx', 'cyclonedx', 'slsaprovenance1', 'custom'].includes(type)) {
    throw invalid(`type must be spdx, cyclonedx, slsaprovenance1 or custom, got "${fields.type ?? ''}"`);
  }
  if (!fields.path) throw invalid('path is required');
  if (type === 'custom' && !fields['predicate-type']) throw invalid('type=custom needs predicate-type=URL');
  for (const key of Object.keys(fields)) {
    if (!['type', 'path', 'predicate-type', 'platform'].includes(key))
      throw invalid(`unknown key "${key}" (type, path, predicate-type, platform)`);
  }
  if (fields.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(fields.platform))
    throw invalid(`platform must be os/arch[/variant], e.g. linux/arm64, got "${fields.platform}"`);
  return {
    type,
    path: fields.path,
    predicateType: fields['predicate-type'],
    platform: fields.platform,
    source: line.trim(),
  };
}

function invalid(message: string): SignError {
  return new SignError('ATTESTATION_SPEC_INVALID', message);
}
