export * from './stores-config';
