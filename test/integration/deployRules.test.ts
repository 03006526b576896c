import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { documentedMetrics, metricNames } from '../support/grafanaDashboard';
import { PROMTOOL_BIN } from '../support/prometheus';
import { alertNames, ruleCoverage, uncoveredRules } from '../support/ruleTestCoverage';
import { runTool } from '../support/toolRun';

const ROOT = join(__dirname, '../..');
const RULES = 'deploy/prometheus/rules.yml';
const RULE_TESTS = 'deploy/prometheus/rules.test.yml';
const rulesYaml = readFileSync(join(ROOT, RULES), 'utf8');
const testsYaml = readFileSync(join(ROOT, RULE_TESTS), 'utf8');

type AlertingRule = {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
const rules = ((parse(rulesYaml) as { groups: Array<{ rules: AlertingRule[] }> }).groups ?? []).flatMap((g) => g.rules);

describe('the Prometheus alerting rules (deploy/prometheus/rules.yml)', () => {
  it('pass promtool check rules', async () => {
    const check = await runTool(PROMTOOL_BIN, ['check', 'rules', RULES], { cwd: ROOT });
    expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(check.code).toBe(0);
  });

  it('pass their promtool unit tests (deploy/prometheus/rules.test.yml)', async () => {
    const run = await runTool(PROMTOOL_BIN, ['test', 'rules', RULE_TESTS], { cwd: ROOT });
    expect(run.output).toContain('SUCCESS');
    expect(run.code).toBe(0);
  });

  it('each have a test case in which they fire and one in which they do not', () => {
    expect(alertNames(rulesYaml)).toEqual(expect.arrayContaining(['DockwatchAgentDown', 'DockwatchCollectionSlow']));
    expect(uncoveredRules(ruleCoverage(rulesYaml, testsYaml))).toEqual([]);
  });

  it('make a rule added without a test case fail the coverage check', () => {
    const withNewRule = rulesYaml.replace(
      'rules:\n',
      'rules:\n      - alert: DockwatchSomethingNew\n        expr: dockwatch_engine_up > 1\n',
    );
    expect(uncoveredRules(ruleCoverage(withNewRule, testsYaml))).toEqual([
      'DockwatchSomethingNew: no test case expects it to fire',
      'DockwatchSomethingNew: no test case expects it not to fire',
    ]);
  });

  it('query only metrics dockwatch exports (and up), with a severity, summary and description each', () => {
    const documented = documentedMetrics(readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8'));
    const unknown = rules.flatMap((r) =>
      metricNames(r.expr, ['container_', 'machine_', 'dockwatch_', 'process_', 'node_'])
        .filter((name) => !documented.has(name))
        .map((name) => `${r.alert}: ${name}`),
    );
    expect(unknown).toEqual([]);
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(info|warning|critical)$/),
      });
      expect(Object.keys(rule.annotations ?? {}).sort()).toEqual(['description', 'summary']);
    }
  });
});
