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
    expect(runVerdictOfState({ Health: { Status: 'healthy' } })).toEqual({ verdict: 'healthy' });
    expect(runVerdictOfState({ Health: { Status: 'unhealthy' } })).toEqual({
      verdict: 'failed',
      detail: 'reported unhealthy',
    });
    expect(runVerdictOfState({ Health: { Status: 'starting' } })).toBeUndefined();
    expect(runVerdictOfState({})).toBeUndefined();
  });
});
