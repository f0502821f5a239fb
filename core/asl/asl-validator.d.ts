/** asl-validator 4 ships no type declarations: the part of its API the tests use. */
declare module 'asl-validator' {
  /** One error found in a definition. */
  export interface AslValidatorError {
    readonly 'Error code': string;
    readonly Message: string;
  }

  /** What a validation returns. */
  export interface AslValidatorResult {
    readonly isValid: boolean;
    readonly errors: readonly AslValidatorError[];
    errorsText(separator?: string): string;
  }

  /** Validates a definition against the ASL schema; it mutates its input (adds QueryLanguage), so pass a copy. */
  export default function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidatorResult;
}
