export * from './lib/runs';
export * from './lib/logs';
export * from './lib/auth';
