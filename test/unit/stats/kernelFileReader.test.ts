import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelFileReader } from '../../../agent/stats/kernelFileReader';

describe('KernelFileReader', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dockwatch-kfr-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a file open and sees its new content on every read', () => {
    const path = join(dir, 'cpuacct.usage');
    writeFileSync(path, '100\n');
    const reader = new KernelFileReader();
    reader.retain([{ id: 'a', pid: 1 }]);
    expect(reader.read('a', path)).toBe('100\n');
    expect(reader.openCount).toBe(1);
    writeFileSync(path, '250\n');
    expect(reader.read('a', path)).toBe('250\n');
    expect(reader.openCount).toBe(1);
  });

  it('reads files larger than its buffer whole', () => {
    const path = join(dir, 'tasks');
    const big = Array.from({ length: 10_000 }, (_, i) => String(i)).join('\n') + '\n';
    writeFileSync(path, big);
    const reader = new KernelFileReader();
    reader.retain([{ id: 'a', pid: 1 }]);
    expect(reader.read('a', path)).toBe(big);
  });

  it('closes the files of containers that stopped, and reopens after a restart (new process)', () => {
    const path = join(dir, 'memory.usage_in_bytes');
    writeFileSync(path, '1\n');
    const reader = new KernelFileReader();
    reader.retain([{ id: 'a', pid: 1 }]);
    reader.read('a', path);
    writeFileSync(join(dir, 'next'), '2\n');
    renameSync(join(dir, 'next'), path);
    reader.retain([{ id: 'a', pid: 2 }]);
    expect(reader.openCount).toBe(0);
    expect(reader.read('a', path)).toBe('2\n');
    reader.retain([]);
    expect(reader.openCount).toBe(0);
  });

  it('answers undefined for a missing file and holds nothing past its budget', () => {
    const reader = new KernelFileReader(1);
    reader.retain([{ id: 'a', pid: 1 }]);
    expect(reader.read('a', join(dir, 'nope'))).toBeUndefined();
    writeFileSync(join(dir, 'x'), 'x');
    writeFileSync(join(dir, 'y'), 'y');
    expect(reader.read('a', join(dir, 'x'))).toBe('x');
    expect(reader.read('a', join(dir, 'y'))).toBe('y');
    expect(reader.openCount).toBe(1);
    reader.closeAll();
    expect(reader.openCount).toBe(0);
  });
});
