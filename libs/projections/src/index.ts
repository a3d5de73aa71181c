export * from './projection';
export * from './projection-runner';
export * from './rebuild';
export * from './service-desk-projection';
export * from './read-queries';
export * from './recompute';
export * from './audit-reports';
export * from './report-csv';
