/** The CSV splitter the replay uses: defined once in core/csv.ts (the RCF CLI reads CSV with it too). */
export { parseCsv } from '../core/csv.js';
