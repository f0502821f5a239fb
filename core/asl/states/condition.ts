import { InvalidValueError } from '../../errors.js';
import type { ConditionJson } from '../json.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Comparison = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';
type TypeTest = 'IsPresent' | 'IsNull' | 'IsString' | 'IsNumeric' | 'IsBoolean' | 'IsTimestamp';

function checkPath(field: string, path: string): void {
  if (!path.startsWith('$')) throw new InvalidValueError(field, path, 'a JSONPath starting with $', 'condition field');
}

/**
 * A typed Choice condition (JSONPath): comparisons of strings, numbers, booleans and timestamps against a value or
 * another path, type and presence tests, StringMatches, and And/Or/Not. Each checks its paths when built.
 */
export class Condition {
  private constructor(private readonly json: ConditionJson) {}

  private static test(variable: string, operator: string, value: unknown): Condition {
    checkPath('Variable', variable);
    if (operator.endsWith('Path')) checkPath(operator, value as string);
    if (operator.startsWith('Timestamp') && !operator.endsWith('Path') && !TIMESTAMP.test(value as string)) {
      throw new InvalidValueError(operator, value, 'an RFC 3339 timestamp such as 2026-01-01T00:00:00Z', 'condition field');
    }
    if (operator.startsWith('Numeric') && !operator.endsWith('Path') && !Number.isFinite(value)) {
      throw new InvalidValueError(operator, value, 'a finite number', 'condition field');
    }
    return new Condition({ Variable: variable, [operator]: value });
  }

  /** `variable` compared with a string, e.g. `string('$.status', 'Equals', 'READY')`. */
  static string(variable: string, comparison: Comparison, value: string): Condition {
    return Condition.test(variable, `String${comparison}`, value);
  }

  /** `variable` compared with the string at `path`. */
  static stringPath(variable: string, comparison: Comparison, path: string): Condition {
    return Condition.test(variable, `String${comparison}Path`, path);
  }

  /** `variable` equals the string. */
  static stringEquals(variable: string, value: string): Condition {
    return Condition.string(variable, 'Equals', value);
  }

  /** `variable` matches a pattern where `*` matches any characters (`\\*` a literal star). */
  static stringMatches(variable: string, pattern: string): Condition {
    return Condition.test(variable, 'StringMatches', pattern);
  }

  /** `variable` compared with a number. */
  static numeric(variable: string, comparison: Comparison, value: number): Condition {
    return Condition.test(variable, `Numeric${comparison}`, value);
  }

  /** `variable` compared with the number at `path`. */
  static numericPath(variable: string, comparison: Comparison, path: string): Condition {
    return Condition.test(variable, `Numeric${comparison}Path`, path);
  }

  /** `variable` equals the number. */
  static numberEquals(variable: string, value: number): Condition {
    return Condition.numeric(variable, 'Equals', value);
  }

  /** `variable` equals the boolean. */
  static booleanEquals(variable: string, value: boolean): Condition {
    return Condition.test(variable, 'BooleanEquals', value);
  }

  /** `variable` equals the boolean at `path`. */
  static booleanEqualsPath(variable: string, path: string): Condition {
    return Condition.test(variable, 'BooleanEqualsPath', path);
  }

  /** `variable` compared with an RFC 3339 timestamp. */
  static timestamp(variable: string, comparison: Comparison, value: string): Condition {
    return Condition.test(variable, `Timestamp${comparison}`, value);
  }

  /** `variable` compared with the timestamp at `path`. */
  static timestampPath(variable: string, comparison: Comparison, path: string): Condition {
    return Condition.test(variable, `Timestamp${comparison}Path`, path);
  }

  /** A presence or type test: `is('$.x', 'IsPresent')`; `expected` false tests the opposite. */
  static is(variable: string, test: TypeTest, expected = true): Condition {
    return Condition.test(variable, test, expected);
  }

  /** `variable` is present in the input. */
  static isPresent(variable: string): Condition {
    return Condition.is(variable, 'IsPresent');
  }

  /** `variable` is absent from the input. */
  static isNotPresent(variable: string): Condition {
    return Condition.is(variable, 'IsPresent', false);
  }

  /** Every condition holds. */
  static and(...conditions: Condition[]): Condition {
    if (conditions.length === 0) throw new InvalidValueError('And', [], 'at least one condition', 'condition field');
    return new Condition({ And: conditions.map((c) => c.json) });
  }

  /** At least one condition holds. */
  static or(...conditions: Condition[]): Condition {
    if (conditions.length === 0) throw new InvalidValueError('Or', [], 'at least one condition', 'condition field');
    return new Condition({ Or: conditions.map((c) => c.json) });
  }

  /** The condition does not hold. */
  static not(condition: Condition): Condition {
    return new Condition({ Not: condition.json });
  }

  /** The condition as an ASL Choice rule without its Next. */
  toJson(): ConditionJson {
    return this.json;
  }
}
