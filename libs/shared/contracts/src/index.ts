export * from './lib/runs';
export * from './lib/logs';
