export * from './mail-sender';
export * from './notification-outbox';
export * from './automation-scheduler';
export * from './automation-config';
