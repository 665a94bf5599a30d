export * from './errors';
export * from './logger';
export * from './exec';
export * from './inputs';
export * from './run';
export * from './outputs';
export * from './summary';
export * from './tools';
