import { startIngestionTwin } from './twin.js';
import { DEFAULT_CONFIG, silentLogger } from './testing.js';

/**
 * A twin in its own process, for the crash test: prints its broker URL as one JSON line, then runs until killed.
 * Usage: node --import tsx local/ingestion/crash-child.ts <dataDir> <bufferSizeBytes>
 */
const [dataDir, sizeBytes] = process.argv.slice(2);
if (dataDir === undefined || sizeBytes === undefined) throw new Error('usage: crash-child.ts <dataDir> <bufferSizeBytes>');
const twin = await startIngestionTwin({
  dataDir,
  config: DEFAULT_CONFIG,
  tcpPort: 0,
  buffer: { sizeBytes: Number(sizeBytes), intervalMs: 3_600_000 },
  logger: silentLogger,
});
process.stdout.write(`${JSON.stringify({ url: twin.tcpUrl })}\n`);
