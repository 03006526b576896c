/** A location in the config tree: mapping keys and list indexes, as zod reports issue paths. */
export type KeyPath = readonly (string | number)[];

/** A problem at one place in the config tree, before it is rendered as `path: message`. */
export type Problem = { path: KeyPath; message: string };

/** A value that came from outside the file (env var, flag), so problems with it can name that source. */
export type ValueSource = { path: KeyPath; source: string };

/** Renders a path as `stats.interval`, `containerLabels[0]`, `labels["dockwatch.ignore"]`; `(top level)` when empty. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || '(top level)';
}

/** Renders a problem as `path: message`, naming the env var or flag when the value came from one. */
export function formatProblem(problem: Problem, sources: readonly ValueSource[]): string {
  const source = sources.find((s) => isUnder(problem.path, s.path));
  return `${formatKeyPath(problem.path)}${source ? ` (${source.source})` : ''}: ${problem.message}`;
}

/** Whether `path` is `prefix` or lies under it. */
export function isUnder(path: KeyPath, prefix: KeyPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** Whether a value is a plain mapping (what a YAML mapping parses to). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `value` at `path`, creating missing mappings; false (and no change) when a non-mapping is in the way. */
export function setAtPath(root: Record<string, unknown>, path: readonly string[], value: unknown): boolean {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key] ?? {};
    if (!isMapping(next)) return false;
    node[key] = next;
    node = next;
  }
  const last = path[path.length - 1];
  if (last === undefined) return false;
  node[last] = value;
  return true;
}

/** The value at `path`, or undefined when any step is missing. */
export function getAtPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isMapping(node)) return undefined;
    node = node[key];
  }
  return node;
}
