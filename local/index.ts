/** The local twin: one runner per layer (today ingestion), composed by `npm start` (local/start.ts). */
export * from './ingestion/index.js';
