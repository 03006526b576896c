import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * The production code's layers, lowest first. A file may import from its own layer and from lower ones only: the
 * processes in `app/` (and `cli.ts`) wire the domains together, and nothing below imports upward.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['shared'],
  ['config'],
  ['agent'],
  ['alerts'],
  ['exporters'],
  ['bot'],
  ['api'],
  ['app', 'cli.ts'],
];

/** One relative import of a production file: where it is, what it names, and whether it runs at load time. */
export type ImportEdge = {
  from: string;
  line: number;
  to: string;
  /** A value import that runs when `from` loads (not `import type`, not a dynamic `import()`). */
  atLoad: boolean;
};

const IMPORT =
  /^(?:import|export)\s+(type\s+)?(?:[^;]*?\s+from\s+)?'(\.{1,2}(?:\/[^']*)?)'|\bimport\(\s*'(\.{1,2}(?:\/[^']*)?)'\s*\)|\brequire\(\s*'(\.{1,2}(?:\/[^']*)?)'\s*\)/gm;

/** The layer index of a repository path (`agent/x.ts` → the layer holding `agent`), or undefined outside them. */
export function layerOf(path: string): number | undefined {
  const top = path.split('/')[0] ?? '';
  const i = LAYERS.findIndex((names) => names.includes(top));
  return i < 0 ? undefined : i;
}

/** The relative imports of one file's source (`file` relative to the repository), resolved to `.ts` paths. */
export function importsOf(file: string, source: string, exists: (path: string) => boolean): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[2] ?? m[3] ?? m[4];
    if (spec === undefined) continue;
    const base = normalize(join(dirname(file), spec));
    const to = [`${base}.ts`, join(base, 'index.ts')].find(exists);
    if (to === undefined) continue;
    const line = source.slice(0, m.index).split('\n').length;
    const typeOnly = m[1] !== undefined || /^import\s+type\s/.test(m[0]) || /^export\s+type\s/.test(m[0]);
    edges.push({ from: file, line, to, atLoad: m[2] !== undefined ? !typeOnly : m[4] !== undefined });
  }
  return edges;
}

/** Imports that point to a higher layer, as `from:line imports to (layer a → layer b)` lines. */
export function upwardImports(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (from === undefined || to === undefined || to <= from) continue;
    const name = (i: number) => (LAYERS[i] ?? []).join('/');
    out.push(`${e.from}:${e.line} imports ${e.to} (${name(from)} must not depend on ${name(to)})`);
  }
  return out;
}

/** Cycles among the load-time imports (each as `a → b → … → a`), found as strongly connected components. */
export function loadCycles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.atLoad) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1) cycles.push(`${component.sort().join(' → ')} → (back)`);
    else if ((next.get(v) ?? []).includes(v)) cycles.push(`${v} → ${v}`);
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Every `.ts` file of the production layers under `root`, relative to it. */
export function productionFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) files.push(path);
    }
  };
  for (const top of LAYERS.flat()) {
    if (!existsSync(join(root, top))) continue;
    if (top.endsWith('.ts')) files.push(top);
    else walk(top);
  }
  return files;
}

/** The import edges of every production file under `root`. */
export function repositoryImports(root: string): ImportEdge[] {
  const exists = (path: string) => existsSync(join(root, path));
  return productionFiles(root).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8'), exists));
}
