import {
  COSIGN_SIGN_PREDICATE,
  CYCLONEDX_PREDICATE,
  SLSA_PROVENANCE_V1_PREDICATE,
  SPDX_PREDICATE,
} from './statement';

/** cosign's `--type` names for the predicate types we write. */
const COSIGN_TYPE: Record<string, string> = {
  [SPDX_PREDICATE]: 'spdxjson',
  [CYCLONEDX_PREDICATE]: 'cyclonedx',
  [SLSA_PROVENANCE_V1_PREDICATE]: 'slsaprovenance1',
};

export interface VerifyCommandOptions {
  /** `registry/repository@sha256:…` */
  image: string;
  identity?: { subjectAlternativeName?: string; issuer?: string };
  /** Key-based: path the user keeps the public key at. */
  publicKeyPath?: string;
  /** Signed without a transparency log entry. */
  noTlog?: boolean;
  /** Non-public-good instance: the trusted root the verifier needs. */
  trustedRootPath?: string;
  predicateTypes?: string[];
}

/** The `cosign verify` / `cosign verify-attestation` lines a user can paste (argv quoted for a POSIX shell). */
export function cosignVerifyCommands(o: VerifyCommandOptions): string[] {
  const common: string[] = [];
  if (o.publicKeyPath) {
    common.push(`--key=${o.publicKeyPath}`);
    if (o.noTlog) common.push('--insecure-ignore-tlog=true');
  } else {
    if (o.identity?.subjectAlternativeName)
      common.push(`--certificate-identity=${o.identity.subjectAlternativeName}`);
    if (o.identity?.issuer) common.push(`--certificate-oidc-issuer=${o.identity.issuer}`);
  }
  if (o.trustedRootPath) common.push(`--trusted-root=${o.trustedRootPath}`);
  const lines = [['cosign', 'verify', ...common, o.image]];
  for (const type of o.predicateTypes ?? []) {
    if (type === COSIGN_SIGN_PREDICATE) continue;
    lines.push(['cosign', 'verify-attestation', `--type=${COSIGN_TYPE[type] ?? type}`, ...common, o.image]);
  }
  return lines.map((argv) => argv.map(shellQuote).join(' '));
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
