import { ConfigurationError } from '@deliverkit/action-kit';

/**
 * Which Sigstore services a signature is witnessed by. No `rekorURL` means no transparency log entry
 * (GitHub's private instance relies on its timestamp authority instead).
 */
export interface SigstoreInstance {
  name: 'public-good' | 'github' | 'custom' | 'none';
  fulcioURL?: string;
  rekorURL?: string;
  tsaURL?: string;
  /** Rekor v1 entry kind for DSSE bundles; `dsse` is what cosign v3 writes. */
  rekorEntryType?: 'dsse' | 'intoto';
}

export const PUBLIC_GOOD_INSTANCE: SigstoreInstance = {
  name: 'public-good',
  fulcioURL: 'https://fulcio.sigstore.dev',
  rekorURL: 'https://rekor.sigstore.dev',
};

/** GitHub's private Sigstore instance (private repositories, artifact attestations). */
export const GITHUB_INSTANCE: SigstoreInstance = {
  name: 'github',
  fulcioURL: 'https://fulcio.githubapp.com',
  tsaURL: 'https://timestamp.githubapp.com',
};

/** No witnesses at all: key-based signatures verified with `cosign verify --insecure-ignore-tlog`. */
export const NO_INSTANCE: SigstoreInstance = { name: 'none' };

/**
 * `public-good` | `github` | `none` | `fulcio=URL,rekor=URL,tsa=URL[,rekor-entry-type=intoto]`
 * (comma or newline separated; any subset of the URLs).
 */
export function parseSigstoreInstance(text: string | undefined): SigstoreInstance {
  const value = (text ?? '').trim();
  if (value === '' || value === 'public-good') return PUBLIC_GOOD_INSTANCE;
  if (value === 'github') return GITHUB_INSTANCE;
  if (value === 'none') return NO_INSTANCE;
  const instance: SigstoreInstance = { name: 'custom' };
  for (const item of value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq).trim() : '';
    const val = eq > 0 ? item.slice(eq + 1).trim() : '';
    switch (key) {
      case 'fulcio':
        instance.fulcioURL = url(key, val);
        break;
      case 'rekor':
        instance.rekorURL = url(key, val);
        break;
      case 'tsa':
        instance.tsaURL = url(key, val);
        break;
      case 'rekor-entry-type':
        if (val !== 'dsse' && val !== 'intoto')
          throw invalid(`rekor-entry-type must be dsse or intoto, got "${val}"`);
        instance.rekorEntryType = val;
        break;
      default:
        throw invalid(
          `unknown entry "${item}"; expected public-good, github, none or fulcio=URL,rekor=URL,tsa=URL`,
        );
    }
  }
  return instance;
}

function url(key: string, value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
    return value.replace(/\/+$/, '');
  } catch {
    throw invalid(`${key} must be an http(s) URL, got "${value}"`);
  }
}

function invalid(message: string): ConfigurationError {
  return new ConfigurationError('INVALID_CONFIGURATION', `sigstore: ${message}`);
}

export type RepositoryVisibility = 'public' | 'private' | 'internal';

/**
 * `sigstore: auto`: a public repository signs with the public-good instance; a private or internal one with
 * GitHub's, whose log is not public — a private repository's name and digests must not go to the public
 * transparency log by default. An unknown visibility (not on GitHub) is treated as public.
 */
export function instanceForVisibility(visibility: RepositoryVisibility | undefined): SigstoreInstance {
  return visibility === 'private' || visibility === 'internal' ? GITHUB_INSTANCE : PUBLIC_GOOD_INSTANCE;
}
