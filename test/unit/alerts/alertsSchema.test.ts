import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { alertsSchema } from '../../../config/alertsSchema';
import { expandEnvVars } from '../../../config/envExpansion';
import { issueProblems } from '../../../config/issueMessages';
import { formatProblem } from '../../../config/keyPath';
import { readConfigFile } from '../../../config/readConfigFile';

/**
 * Fixtures are whole config files holding only `alerts:`; each failure fixture names its exact problems in
 * `# expect:` lines, phrased as `dockwatch config check` prints them.
 */
const FIXTURES = join(__dirname, 'fixtures');
const fileSchema = z.strictObject({ alerts: alertsSchema.prefault({}) });
const failures = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml') && f !== 'alerts-full.yaml');

function load(name: string): { problems: string[]; data?: z.output<typeof fileSchema> } {
  const raw = expandEnvVars(readConfigFile(join(FIXTURES, name)), {}).value;
  const result = fileSchema.safeParse(raw, { reportInput: true });
  if (result.success) return { problems: [], data: result.data };
  return { problems: issueProblems(result.error.issues, fileSchema).map((p) => formatProblem(p, [])) };
}

function expectedProblems(name: string): string[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('# expect: '))
    .map((l) => l.slice('# expect: '.length));
}

describe('alerts config', () => {
  it('has a default for every key', () => {
    expect(alertsSchema.parse({})).toEqual({
      groupWait: 100,
      groupWindow: 30_000,
      repeatInterval: 4 * 3_600_000,
      keepFiringFor: 0,
      rules: [],
      routes: [],
      silences: [],
      maintenance: [],
      digest: { schedule: '0 9 * * *', timezone: 'UTC', notifiers: [] },
    });
  });

  it('reads every key, durations as milliseconds', () => {
    const { problems, data } = load('alerts-full.yaml');
    expect(problems).toEqual([]);
    const alerts = data?.alerts;
    expect(alerts?.rules).toHaveLength(11);
    expect(alerts?.rules[0]).toEqual({
      name: 'app-errors',
      kind: 'log',
      containers: { names: ['web-*'] },
      match: 'ERROR|FATAL',
      ignoreCase: true,
      stream: 'stderr',
      threshold: { count: 5, window: 60_000, by: 'container' },
      severity: 'warning',
      for: 10_000,
      keepFiringFor: 60_000,
      labels: { team: 'web' },
      annotations: { summary: '{{count}} errors in {{container}} on {{host}}', description: '{{line}}' },
    });
    expect(alerts?.rules[1]).toEqual({
      name: 'panic',
      kind: 'log',
      contains: 'panic:',
      resolveAfter: 600_000,
      by: 'com.docker.compose.service',
      severity: 'warning',
    });
    expect(alerts?.rules[10]).toMatchObject({ metric: 'cpuPercent', op: '<=', value: 0.5, for: 3_600_000 });
    expect(alerts?.silences).toEqual([
      {
        matchers: { container: 'batch-*' },
        until: '2026-12-31T00:00:00.000Z',
        comment: 'nightly jobs',
        createdBy: 'alice',
      },
    ]);
    expect(alerts?.maintenance[0]).toEqual({
      schedule: '0 3 * * 0',
      duration: 3_600_000,
      timezone: 'Europe/Berlin',
      matchers: { container: 'db-*' },
      comment: 'backups',
    });
    expect(alerts?.routes[0]).toEqual({
      match: { severity: 'critical' },
      notifiers: ['ops-discord', 'alertmanager'],
      continue: true,
    });
  });

  it('has failure fixtures', () => {
    expect(failures.length).toBeGreaterThan(25);
  });

  it.each(failures)('%s fails with exactly its expected problems', (name) => {
    const expected = expectedProblems(name);
    expect(expected.length).toBeGreaterThan(0);
    expect(load(name).problems).toEqual(expected);
  });
});
