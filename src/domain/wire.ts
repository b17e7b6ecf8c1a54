// The API's wire format, one set of zod schemas for the server (which parses requests with them and
// generates /api/openapi.json from them) and the app (which parses every answer with them).
export * from './wire/accounts';
export * from './wire/audits';
export * from './wire/auth';
export * from './wire/downsync';
export * from './wire/hand-over';
export * from './wire/head-office';
export * from './wire/head-office-filter';
export * from './wire/received-audits';
export * from './wire/sites';
export * from './wire/intake-queue';
export * from './wire/monthly-ranking';
export * from './wire/verify';
