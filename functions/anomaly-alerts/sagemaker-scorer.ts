import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SensorlakeError } from '../../core/errors.js';
import type { ReadingScore, ReadingScorer } from '../../core/analytics/alerts.js';
import { Shingler } from '../../core/analytics/rcf/shingle.js';
import type { EndpointRecordReader } from './endpoint-records.js';

/**
 * The point the model takes from a device's last `shingleSize` values, oldest first. It must be the shingling the
 * model was trained with: the default is the project's one shingling (core/analytics/rcf Shingler).
 */
export type ShingleFn = (recent: readonly number[]) => readonly number[];

/** The project's shingling (Shingler, feature_dim 1) of a full window of recent values. */
export function rcfShingle(recent: readonly number[]): readonly number[] {
  const shingler = new Shingler(1, recent.length);
  let point: Float64Array | undefined;
  for (const value of recent) point = shingler.push([value]);
  return Array.from(point ?? []);
}

/** The endpoint answered something other than one `{"scores":[{"score":x}, ...]}` entry per point sent. */
export class EndpointResponseError extends SensorlakeError {
  override name = 'EndpointResponseError';
}

/**
 * Whether SageMaker refused a call because the multi-model endpoint has no object for the record's TargetModel (a
 * record written for a model whose copy is gone): a ValidationError saying it could not download the model data.
 * Such readings are a normal state, not an outage: they come back not warm (never flagged), and are not retried.
 * Every other error (ModelNotReadyException while a model loads, throttling) fails the record, which Lambda retries.
 */
export function isMissingTargetModel(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /download model data|target model|TargetModel/i.test(error.message);
}

/** Options of sageMakerScorer. */
export interface SageMakerScorerOptions {
  readonly client: SageMakerRuntimeClient;
  readonly endpointName: string;
  /** Each room's current model and threshold (the pipeline's records). */
  readonly records: EndpointRecordReader;
  /** Values per point (the model's feature_dim); default 1. */
  readonly shingleSize?: number;
  readonly shingle?: ShingleFn;
}

function parseScores(body: Uint8Array | undefined, expected: number): number[] {
  const text = body === undefined ? '' : new TextDecoder().decode(body);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EndpointResponseError(`endpoint response is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const scores = (value as { scores?: unknown } | null)?.scores;
  if (!Array.isArray(scores) || scores.length !== expected || !scores.every((s) => typeof (s as { score?: unknown })?.score === 'number')) {
    throw new EndpointResponseError(`endpoint response should be {"scores":[{"score":<number>}...]} with ${expected} entries, got ${JSON.stringify(text.slice(0, 200))}`);
  }
  return scores.map((s) => (s as { score: number }).score);
}

/**
 * A ReadingScorer over a SageMaker RCF endpoint. The endpoint is stateless, so the scorer keeps each device's last
 * `shingleSize - 1` values (for as long as the Lambda container lives) to build shingled points; a reading whose
 * shingle is not full yet is not sent and comes back `warm: false`. One InvokeEndpoint call per device and batch,
 * `text/csv` with one line per point, as SageMaker's built-in RCF takes it. The history moves on only when the call
 * succeeds, so a failed batch is scored from the same history when Lambda re-delivers it. The endpoint is the
 * pipeline's multi-model endpoint: each call names the TargetModel of the room's record (`<room>/<model>.tar.gz`, a
 * key per model version, so a re-published model is never the cached old one), and each warm score carries the
 * record's threshold; a reading without a room, of a room without a record, or of a record whose model the endpoint
 * cannot load (isMissingTargetModel) comes back `warm: false` (never flagged).
 */
export function sageMakerScorer(options: SageMakerScorerOptions): ReadingScorer {
  const size = options.shingleSize ?? 1;
  const shingle = options.shingle ?? rcfShingle;
  const history = new Map<string, number[]>();
  return {
    async score(key, values) {
      const recent = [...(history.get(key.deviceId) ?? [])];
      const points: (readonly number[] | null)[] = values.map((value) => {
        recent.push(value);
        if (recent.length > size) recent.shift();
        return recent.length === size ? shingle([...recent]) : null;
      });
      const full = points.filter((p): p is readonly number[] => p !== null);
      if (key.roomId === null) return points.map((): ReadingScore => ({ score: 0, warm: false }));
      const record = await options.records.current(key.roomId);
      let scores: number[] | undefined = [];
      if (record === undefined) scores = undefined;
      else if (full.length > 0) {
        try {
          const response = await options.client.send(
            new InvokeEndpointCommand({
              EndpointName: options.endpointName,
              TargetModel: record.targetModel,
              ContentType: 'text/csv',
              Accept: 'application/json',
              Body: new TextEncoder().encode(full.map((p) => p.join(',')).join('\n')),
            }),
          );
          scores = parseScores(response.Body, full.length);
        } catch (error) {
          if (!isMissingTargetModel(error)) throw error;
          scores = undefined;
        }
      }
      history.set(key.deviceId, size === 1 ? [] : recent.slice(-(size - 1)));
      if (scores === undefined || record === undefined) return points.map((): ReadingScore => ({ score: 0, warm: false }));
      let next = 0;
      const threshold = record.threshold;
      return points.map((p): ReadingScore => (p === null ? { score: 0, warm: false } : { score: scores[next++] as number, warm: true, threshold }));
    },
  };
}
