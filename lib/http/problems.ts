import type { z } from 'zod';
import type { ValidationProblem } from '../errors.ts';

type Issue = z.core.$ZodIssue;
type Loc = (string | number)[];

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }

  return value;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

const TYPE_PROBLEMS: Record<string, [string, string]> = {
  string: ['string_type', 'Input should be a valid string'],
  number: ['float_type', 'Input should be a valid number'],
  int: ['int_type', 'Input should be a valid integer'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  object: ['dict_type', 'Input should be a valid dictionary'],
  array: ['list_type', 'Input should be a valid list'],
};

function typeProblem(issue: Issue & { code: 'invalid_type' }, input: unknown): [string, string] {
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    return ['missing', 'Field required'];
  }
  if (issue.path.length === 0 && issue.expected === 'object') {
    return ['model_attributes_type', 'Input should be a valid dictionary or object'];
  }
  if (issue.expected === 'int' && typeof valueAt(input, issue.path) === 'number') {
    return ['int_from_float', 'Input should be a valid integer, got a number with a fraction'];
  }

  return (
    TYPE_PROBLEMS[issue.expected] ?? ['type_error', `Input should be a valid ${issue.expected}`]
  );
}

function sizeProblem(issue: Issue & { code: 'too_small' | 'too_big' }): [string, string] {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') {
    return small
      ? ['string_too_short', `String should have at least ${plural(bound, 'character')}`]
      : ['string_too_long', `String should have at most ${plural(bound, 'character')}`];
  }
  if (small) {
    return issue.inclusive
      ? ['greater_than_equal', `Input should be greater than or equal to ${bound}`]
      : ['greater_than', `Input should be greater than ${bound}`];
  }

  return issue.inclusive
    ? ['less_than_equal', `Input should be less than or equal to ${bound}`]
    : ['less_than', `Input should be less than ${bound}`];
}

function enumMessage(values: readonly unknown[]): string {
  const quoted = values.map((value) => `'${String(value)}'`);
  const last = quoted.pop();

  return `Input should be ${quoted.length ? `${quoted.join(', ')} or ${last}` : last}`;
}

function toProblems(issue: Issue, root: Loc, input: unknown): ValidationProblem[] {
  const loc: Loc = [
    ...root,
    ...issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
  ];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        loc: [...loc, key],
        msg: 'Extra inputs are not permitted',
        type: 'extra_forbidden',
      }));
    case 'invalid_type': {
      const [type, msg] = typeProblem(issue, input);
      return [{ loc, msg, type }];
    }
    case 'too_small':
    case 'too_big': {
      const [type, msg] = sizeProblem(issue);
      return [{ loc, msg, type }];
    }
    case 'invalid_value':
      return [{ loc, msg: enumMessage(issue.values), type: 'enum' }];
    case 'invalid_format':
      return [{ loc, msg: issue.message, type: 'string_pattern_mismatch' }];
    case 'invalid_key':
      return [{ loc, msg: issue.issues[0]?.message ?? issue.message, type: 'invalid_key' }];
    default:
      return [{ loc, msg: `Value error, ${issue.message}`, type: 'value_error' }];
  }
}

/**
 * The 422 entries for zod issues, one per problem, in the `{loc, msg, type}` shape that clients of
 * FastAPI services parse. `root` is where the value came from (`body`, `query`), and `input` the
 * value itself, to tell a missing field from a wrong one.
 */
export function problemsOf(
  issues: readonly Issue[],
  root: Loc,
  input: unknown,
): ValidationProblem[] {
  return issues.flatMap((issue) => toProblems(issue, root, input));
}
