import { ConfigurationError } from '@deliverkit/action-kit';
import type { IdentityProvider } from '@sigstore/sign';
import { SignError } from './errors';

/** The audience Fulcio expects on GitHub OIDC tokens. */
export const SIGSTORE_AUDIENCE = 'sigstore';

/**
 * Identity tokens from GitHub Actions OIDC (the action passes `core.getIDToken`). The runner only sets
 * ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN when the job has `permissions: id-token: write`, so their absence
 * is a workflow mistake, reported as such. The token goes to `onSecret` (the action's `core.setSecret`) as soon as
 * it is obtained. Both come from the caller: this package does not depend on the Actions toolkit.
 */
export function githubIdentityProvider(options: {
  getIDToken: (aud: string) => Promise<string>;
  onSecret: (secret: string) => void;
  /** ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN are set (the caller reads its environment). */
  canRequestToken: boolean;
  audience?: string;
}): IdentityProvider {
  const audience = options.audience ?? SIGSTORE_AUDIENCE;
  const { getIDToken, onSecret } = options;
  let cached: Promise<string> | undefined;
  return {
    getToken: () => {
      if (!options.canRequestToken) {
        return Promise.reject(
          new ConfigurationError(
            'MISSING_PERMISSION',
            'keyless signing needs a GitHub OIDC token, but this job cannot request one. ' +
              'Add `permissions: id-token: write` to the job (and keep `contents: read`), or sign with a key instead.',
          ),
        );
      }
      // One token per run: Fulcio is asked once per bundle, and the runner's endpoint is rate limited.
      cached ??= getIDToken(audience).then(
        (token) => {
          onSecret(token);
          return token;
        },
        (e: unknown) => {
          cached = undefined;
          throw new SignError(
            'IDENTITY_TOKEN_FAILED',
            `could not get a GitHub OIDC token: ${(e as Error).message}`,
            {
              cause: e,
            },
          );
        },
      );
      return cached;
    },
  };
}
