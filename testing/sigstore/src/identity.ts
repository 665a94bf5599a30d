/**
 * A token obtained elsewhere (a fake OIDC token, SIGSTORE_ID_TOKEN) as a @sigstore/sign IdentityProvider; given to
 * `onSecret` (masked) when handed out.
 */
export function staticIdentityProvider(
  token: string,
  onSecret: (secret: string) => void,
): { getToken: () => Promise<string> } {
  return {
    getToken: async () => {
      onSecret(token);
      return token;
    },
  };
}
