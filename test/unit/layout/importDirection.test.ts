import { join } from 'node:path';
import { importsOf, loadCycles, repositoryImports, upwardImports, type ImportEdge } from '../../support/importGraph';

// The layout rule of docs/architecture.md, checked on the real tree: imports point down the layers (shared, config,
// agent, alerts, exporters, bot, api, app), and no module needs itself to load.

const ROOT = join(__dirname, '..', '..', '..');

describe('the import graph of the production code', () => {
  const edges = repositoryImports(ROOT);

  it('reads the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.from === 'cli.ts' && e.to.startsWith('app/'))).toBe(true);
  });

  it('has no import that points to a higher layer', () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it('has no cycle among the imports that run at load time', () => {
    expect(loadCycles(edges)).toEqual([]);
  });
});

describe('the checker', () => {
  const files = new Set(['agent/a.ts', 'agent/b.ts', 'bot/c.ts', 'app/d.ts', 'config/e.ts', 'config/index.ts']);
  const exists = (path: string) => files.has(path);

  it('resolves value, type, re-export, dynamic and require imports, and folders to their index', () => {
    const source = [
      "import { x } from './b';",
      "import type { Y } from '../../bot/c';",
      "export { z } from '../e';",
      "export type { W } from '../../config';",
      "const d = await import('../../app/d');",
      "const e = require('../e');",
      "import { gone } from './missing';",
      "import { lib } from 'dockerode';",
      "import { core } from '..';",
    ].join('\n');
    const edges = importsOf('config/sub/a.ts', source, (path) => exists(path) || path === 'config/sub/b.ts');
    expect(edges.map((e) => [e.line, e.to, e.atLoad])).toEqual([
      [1, 'config/sub/b.ts', true],
      [2, 'bot/c.ts', false],
      [3, 'config/e.ts', true],
      [4, 'config/index.ts', false],
      [5, 'app/d.ts', false],
      [6, 'config/e.ts', true],
      [9, 'config/index.ts', true],
    ]);
  });

  it('names an import that points up, type-only ones included, and lets downward ones be', () => {
    const edges = importsOf(
      'agent/a.ts',
      "import type { Y } from '../bot/c';\nimport { e } from '../config/e';",
      exists,
    );
    expect(upwardImports(edges)).toEqual(['agent/a.ts:1 imports bot/c.ts (agent must not depend on bot)']);
  });

  it('names a load-time cycle, but not one closed only by a type import or a dynamic import', () => {
    const edge = (from: string, to: string, atLoad: boolean): ImportEdge => ({ from, to, line: 1, atLoad });
    expect(loadCycles([edge('agent/a.ts', 'agent/b.ts', true), edge('agent/b.ts', 'agent/a.ts', true)])).toEqual([
      'agent/a.ts → agent/b.ts → (back)',
    ]);
    expect(loadCycles([edge('agent/a.ts', 'agent/b.ts', true), edge('agent/b.ts', 'agent/a.ts', false)])).toEqual([]);
  });
});
