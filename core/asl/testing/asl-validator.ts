import aslValidator from 'asl-validator';

/**
 * The error texts asl-validator 4 finds in a definition, paths and ARNs checked; empty when it is valid. The
 * validator mutates its input, so it gets a copy.
 */
export function aslValidatorErrors(definition: unknown): string[] {
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  return result.errors.map((e) => `${e['Error code']}: ${e.Message}`);
}
