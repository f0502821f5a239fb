// Entry of the delivery worker when the twin runs from TypeScript sources (tsx, vitest): Node 20 neither hands the
// parent's module hooks to a worker nor applies `--import` from a worker's execArgv in time, so register tsx here.
import { register } from 'tsx/esm/api';

register();
await import('./delivery-worker.ts');
