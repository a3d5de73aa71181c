export * from './event-store.port';
export * from './sqlite/sqlite-event-store';
export * from './uuid-v7';
export * from './event-chain';
export * from './eventstoredb/connect-eventstoredb';
