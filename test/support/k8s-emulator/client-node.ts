// The tests drive the emulator with the same client library the deployer uses. It is a dependency of
// @deliverkit/deploy (not of the repository root), so it is reached through that package's install.
export * from '../../../packages/deploy/node_modules/@kubernetes/client-node';
