import { expandEnvVars } from '../../../config/envExpansion';

describe('expandEnvVars', () => {
  const env = { HOST: 'db', PORT: '5432', EMPTY: '' };

  it('expands every ${VAR} in string values, in mappings and lists, not in keys', () => {
    const input = { a: 'tcp://${HOST}:${PORT}', list: ['${HOST}', 7, true], labels: { '${HOST}': '${PORT}' } };
    expect(expandEnvVars(input, env)).toEqual({
      value: { a: 'tcp://db:5432', list: ['db', 7, true], labels: { '${HOST}': '5432' } },
      problems: [],
    });
  });

  it('keeps lone dollars and $VAR as written; $${ is a literal ${', () => {
    expect(expandEnvVars({ a: 'cost $5, $HOST, $$, $${HOST}, ${EMPTY}.' }, env).value).toEqual({
      a: 'cost $5, $HOST, $$, ${HOST}, .',
    });
  });

  it('does not expand a value twice', () => {
    expect(expandEnvVars({ a: '${X}' }, { X: '${HOST}' }).value).toEqual({ a: '${HOST}' });
  });

  it('reports unset, malformed and unclosed references at their key path, and drops those values', () => {
    const { value, problems } = expandEnvVars({ a: { b: ['ok', '${NOPE}-${NADA}'] }, c: '${1X}', d: 'x${HOST' }, env);
    expect(value).toEqual({ a: { b: ['ok', undefined] }, c: undefined, d: undefined });
    expect(problems).toEqual([
      { path: ['a', 'b', 1], message: 'environment variable NOPE is not set' },
      { path: ['a', 'b', 1], message: 'environment variable NADA is not set' },
      { path: ['c'], message: '"${1X}" is not a valid environment variable reference' },
      { path: ['d'], message: 'unclosed "${" (write "$${" for a literal "${")' },
    ]);
  });
});
