/** The monitor dialect's messages: the schemas and types (./schema.ts) with their validators generated ahead of time (./validators.gen.ts). */
export * from './schema.js';
export * from './validators.gen.js';
