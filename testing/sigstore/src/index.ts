export {
  GITHUB_ISSUER,
  fakeIdentityToken,
  fulcioExtensions,
  githubClaims,
  startMockSigstore,
  startOidcTokenEndpoint,
  type MockSigstore,
  type TrustedRootJSON,
} from './mock-sigstore';
export { encryptCosignKey } from './cosign-key';
export { startMockTuf, type MockTuf } from './mock-tuf';
export { staticIdentityProvider } from './identity';
