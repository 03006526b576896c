import { z } from 'zod';
import { describeValue } from './fields';
import type { Problem } from './keyPath';
import type { Field } from './schemaWalk';
import { fieldAt, knownKeys } from './schemaWalk';
import { closestMatch } from './suggest';

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** Turns zod issues into problems phrased for a config file, never echoing a secret field's value. */
export function issueProblems(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const keys = knownKeys(fieldAt(schema, path)) ?? [];
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(key, keys) }));
    }
    return [{ path, message: issueMessage(issue, fieldAt(schema, path)) }];
  });
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closestMatch(key, known);
  if (guess) return `unknown key (did you mean ${JSON.stringify(guess)}?)`;
  return known.length ? `unknown key (known keys: ${known.join(', ')})` : 'unknown key';
}

function issueMessage(issue: z.core.$ZodIssue, field: Field | undefined): string {
  const hidden = field?.meta.secret === true;
  const input = issue.input;
  const shown = hidden ? 'the value' : describeValue(input);
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'is required';
      const integer = field?.schema instanceof z.ZodNumber && field.schema.isInt;
      const expected = integer ? 'an integer' : (EXPECTED[issue.expected] ?? issue.expected);
      if (hidden) return `expected ${expected}`;
      const quote = issue.expected === 'string' && ['number', 'boolean'].includes(typeof input);
      return `expected ${expected}, got ${shown}${quote ? ` (quote it: "${String(input)}")` : ''}`;
    }
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array') return 'must not be empty';
      return `${shown} is below the minimum ${String(issue.minimum)}`;
    case 'invalid_value': {
      const options = issue.values.map(String);
      const guess = typeof input === 'string' && !hidden ? closestMatch(input, options) : undefined;
      return `${shown} is not one of ${options.join(', ')}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`;
    }
    default:
      return issue.message;
  }
}
