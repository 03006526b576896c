import type { KeyPath, Problem } from './keyPath';
import { isMapping } from './keyPath';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Expands `${VAR}` in every string value (not key) of a parsed file; `$${` is a literal `${`. */
export function expandEnvVars(value: unknown, env: NodeJS.ProcessEnv): { value: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  return { value: expandValue(value, env, [], problems), problems };
}

function expandValue(value: unknown, env: NodeJS.ProcessEnv, path: KeyPath, problems: Problem[]): unknown {
  if (typeof value === 'string') return expandString(value, env, path, problems);
  if (Array.isArray(value)) return value.map((item, i) => expandValue(item, env, [...path, i], problems));
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandValue(item, env, [...path, key], problems)]),
    );
  }
  return value;
}

function expandString(text: string, env: NodeJS.ProcessEnv, path: KeyPath, problems: Problem[]): string | undefined {
  let out = '';
  let failed = false;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end === -1) {
        problems.push({ path, message: 'unclosed "${" (write "$${" for a literal "${")' });
        return undefined;
      }
      const name = text.slice(i + 2, end);
      const resolved = NAME.test(name) ? env[name] : undefined;
      if (!NAME.test(name))
        problems.push({ path, message: `"\${${name}}" is not a valid environment variable reference` });
      else if (resolved === undefined) problems.push({ path, message: `environment variable ${name} is not set` });
      failed ||= resolved === undefined;
      out += resolved ?? '';
      i = end + 1;
    } else {
      out += text.charAt(i);
      i++;
    }
  }
  return failed ? undefined : out;
}
