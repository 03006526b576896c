import { deployReportOf, readDeployReport } from '../../../bot/deployReport';

describe('deploy reports', () => {
  it("takes a restored deploy's diagnosis out of its reason, apart from the message", () => {
    const report = deployReportOf({
      outcome: 'restored',
      container: 'web',
      image: 'app:v3',
      steps: [],
      message: 'deploy of app:v3 to web failed at wait: the health check failed (unhealthy); revision 2 is back',
      reason: { step: 'wait', message: 'the health check failed (unhealthy)', health: 'not ready', logs: ['boot'] },
    });
    expect(report).toEqual({
      outcome: 'restored',
      message: 'deploy of app:v3 to web failed at wait: the health check failed (unhealthy); revision 2 is back',
      diagnosis: { health: 'not ready', logs: ['boot'] },
    });
    expect(deployReportOf({ outcome: 'deployed', container: 'web', image: 'a', steps: [], message: 'ok' })).toEqual({
      outcome: 'deployed',
      message: 'ok',
    });
  });

  it('reads a report from the wire and names what is wrong with a bad one', () => {
    const good = { outcome: 'restored', message: 'm', diagnosis: { exitCode: 2, logs: ['a'] } };
    expect(readDeployReport(good)).toEqual({ ok: true, report: good });
    expect(readDeployReport({ outcome: 'deployed', message: 'm', extra: 1 })).toEqual({
      ok: true,
      report: { outcome: 'deployed', message: 'm' },
    });
    const bad: [unknown, string][] = [
      ['x', 'the deploy report is not a JSON object'],
      [{ outcome: 'won', message: 'm' }, 'the deploy report has no known outcome'],
      [{ outcome: 'deployed' }, 'the deploy report has no message'],
      [{ outcome: 'restored', message: 'm', diagnosis: [] }, 'the deploy diagnosis is not a JSON object'],
      [
        { outcome: 'restored', message: 'm', diagnosis: { logs: [1] } },
        'the deploy diagnosis has no list of at most 50 log lines',
      ],
      [
        { outcome: 'restored', message: 'm', diagnosis: { logs: [], exitCode: '1' } },
        'the deploy exit code is not a number',
      ],
      [
        { outcome: 'restored', message: 'm', diagnosis: { logs: [], health: 3 } },
        'the deploy health output is not text',
      ],
    ];
    for (const [value, error] of bad) expect(readDeployReport(value)).toEqual({ ok: false, error });
  });
});
