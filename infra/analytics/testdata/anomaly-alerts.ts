/** A stand-in alert handler for the stack tests: the stack only needs a bundle that exports `handler`. */
export function handler(event: { Records?: unknown[] }): { batchItemFailures: [] } {
  void event;
  return { batchItemFailures: [] };
}
