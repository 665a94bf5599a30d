// The tests drive the emulator with the same client library the deployer uses (@deliverkit/deploy's version, a
// dependency of this package too).
export * from '@kubernetes/client-node';
