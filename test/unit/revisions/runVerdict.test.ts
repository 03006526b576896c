import { runVerdictOf, runVerdictOfState } from '../../../agent/revisions/runVerdict';

describe('what container events and states say of a revision', () => {
  it.each([
    ['health_status: healthy', {}, { verdict: 'healthy' }],
    ['health_status: unhealthy', {}, { verdict: 'failed', detail: 'reported unhealthy' }],
    ['oom', {}, { verdict: 'failed', detail: 'OOM-killed' }],
    ['die', { exitCode: '1' }, { verdict: 'failed', detail: 'exited with code 1' }],
    ['die', { exitCode: '0' }, undefined],
    ['die', { exitCode: '143' }, undefined],
    ['die', { exitCode: '137' }, undefined],
    ['start', {}, undefined],
    ['health_status: starting', {}, undefined],
  ])('%s %j', (action, attributes, expected) => {
    expect(runVerdictOf(action, attributes)).toEqual(expected);
  });

  it('reads a health status that was reported before the revision was recorded', () => {
    expect(runVerdictOfState({ Running: true, Health: { Status: 'healthy' } })).toEqual({ verdict: 'healthy' });
    expect(runVerdictOfState({ Running: true, Health: { Status: 'unhealthy' } })).toEqual({
      verdict: 'failed',
      detail: 'reported unhealthy',
    });
    expect(runVerdictOfState({ Running: true, Health: { Status: 'starting' } })).toBeUndefined();
    expect(runVerdictOfState({ Running: true })).toBeUndefined();
    // A stopped container's last status is what a probe in flight at the stop left behind.
    expect(runVerdictOfState({ Running: false, Health: { Status: 'unhealthy' } })).toBeUndefined();
    expect(runVerdictOfState({ Running: false, Health: { Status: 'healthy' } })).toBeUndefined();
  });
});
