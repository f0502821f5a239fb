import * as pulumi from '@pulumi/pulumi';

/** The outputs read from each StackReference, by the reference's logical name. */
export type StackReferenceReads = Map<string, Set<string>>;

/** What recordStackReferenceReads installed. */
export interface StackReferenceRecorder {
  readonly reads: StackReferenceReads;
  /** Puts the original StackReference methods back. */
  restore(): void;
}

/**
 * Records which outputs the program reads from each `pulumi.StackReference` (through `getOutput` and
 * `requireOutput`, which every other read method calls). The engine never sees these reads: they resolve in the
 * program from the reference's `outputs`, so the mock monitor cannot report them. Patches the class for the
 * process; call `restore()` when done.
 */
export function recordStackReferenceReads(): StackReferenceRecorder {
  const reads: StackReferenceReads = new Map();
  const proto = pulumi.StackReference.prototype;
  const originals = { getOutput: proto.getOutput, requireOutput: proto.requireOutput };
  const record = (ref: pulumi.StackReference, name: pulumi.Input<string>): void => {
    const refName = pulumi.resourceName(ref);
    const names = reads.get(refName) ?? new Set<string>();
    reads.set(refName, names);
    if (typeof name === 'string') names.add(name);
    else pulumi.output(name).apply((n) => names.add(n));
  };
  proto.getOutput = function getOutput(this: pulumi.StackReference, name: pulumi.Input<string>) {
    record(this, name);
    return originals.getOutput.call(this, name);
  };
  proto.requireOutput = function requireOutput(this: pulumi.StackReference, name: pulumi.Input<string>) {
    record(this, name);
    return originals.requireOutput.call(this, name);
  };
  return {
    reads,
    restore() {
      proto.getOutput = originals.getOutput;
      proto.requireOutput = originals.requireOutput;
    },
  };
}
