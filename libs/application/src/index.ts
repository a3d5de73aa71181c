export * from './application-errors';
export * from './clock';
export * from './event-mapping';
export * from './stream-command-executor';
export * from './agreements';
export * from './tickets';
