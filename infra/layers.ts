import { SensorlakeError } from '../core/errors.js';
import type { Layer } from './stack-name.js';

/**
 * Layers whose program exists in this release. Kept free of Pulumi imports so the deploy CLI can read it
 * cheaply; a test checks it against the programs in `program.ts`.
 */
export const IMPLEMENTED_LAYERS: readonly Layer[] = ['ingestion', 'lake', 'analytics', 'orchestration'];

export function isImplemented(layer: Layer): boolean {
  return IMPLEMENTED_LAYERS.includes(layer);
}

/** A stack of a layer whose program is not part of this release. */
export class LayerNotImplementedError extends SensorlakeError {
  override name = 'LayerNotImplementedError';

  constructor(
    readonly layer: Layer,
    readonly stackName: string,
  ) {
    super(
      `stack ${JSON.stringify(stackName)}: layer ${layer} is not implemented yet in this release ` +
        `(implemented: ${IMPLEMENTED_LAYERS.join(', ')})`,
    );
  }
}
