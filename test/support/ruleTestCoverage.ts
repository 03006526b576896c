import { parse } from 'yaml';

/** A Prometheus rule file: groups of alerting (and recording) rules. */
type RuleFile = { groups?: Array<{ name: string; rules?: Array<{ alert?: string; record?: string }> }> };

/** A promtool unit-test file: the alerts each case expects at each evaluation time. */
type RuleTestFile = {
  tests?: Array<{ name?: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] | null }> }>;
};

/** Per alerting rule: whether some test case expects it to fire, and whether one expects it not to. */
export type RuleCoverage = { alert: string; fires: boolean; quiet: boolean };

/** The alert names of a rule file, in file order. */
export function alertNames(rulesYaml: string): string[] {
  const file = (parse(rulesYaml) ?? {}) as RuleFile;
  return (file.groups ?? []).flatMap((g) => (g.rules ?? []).flatMap((r) => (r.alert ? [r.alert] : [])));
}

/**
 * How a promtool test file covers every alerting rule of a rule file: a rule is covered when at least one
 * `alert_rule_test` expects it among `exp_alerts` (it fires) and one expects none (it does not).
 */
export function ruleCoverage(rulesYaml: string, testsYaml: string): RuleCoverage[] {
  const tests = (parse(testsYaml) ?? {}) as RuleTestFile;
  const checks = (tests.tests ?? []).flatMap((t) => t.alert_rule_test ?? []);
  return alertNames(rulesYaml).map((alert) => {
    const mine = checks.filter((c) => c.alertname === alert);
    return {
      alert,
      fires: mine.some((c) => (c.exp_alerts ?? []).length > 0),
      quiet: mine.some((c) => (c.exp_alerts ?? []).length === 0),
    };
  });
}

/** Rules of {@link ruleCoverage} lacking a firing or a quiet case, as readable lines (empty: all covered). */
export function uncoveredRules(coverage: RuleCoverage[]): string[] {
  return coverage.flatMap((c) => [
    ...(c.fires ? [] : [`${c.alert}: no test case expects it to fire`]),
    ...(c.quiet ? [] : [`${c.alert}: no test case expects it not to fire`]),
  ]);
}
