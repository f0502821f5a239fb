/** The local twin: one runner per layer (today ingestion), composed by `npm start` (local/start.ts). */
export * from './ingestion/index.js';
import { startIngestionTwin } from './ingestion/index.js';

/** @deprecated The ingestion twin's runner under its old name, kept until bench/ imports `startIngestionTwin`. */
export const startTwin = startIngestionTwin;
