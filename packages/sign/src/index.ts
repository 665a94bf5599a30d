export * from './errors';
export * from './statement';
export * from './keys';
export * from './identity';
export * from './instance';
export * from './signer';
export * from './verify';
