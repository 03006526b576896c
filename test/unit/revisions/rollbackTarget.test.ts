import { ActionError } from '../../../agent/actions/actionError';
import { chooseRollbackTarget, describeChoice, lastRunOf } from '../../../agent/actions/rollbackTarget';
import type { LastRun, Revision } from '../../../agent/revisions/revisionStore';

const spec = (env: string[], networks: string[] = ['a', 'b']) => ({
  config: { Env: env },
  hostConfig: { NetworkMode: 'a' },
  networks: Object.fromEntries(networks.map((n) => [n, {}])),
});

function rev(revision: number, image: string, lastRun?: LastRun, env = ['A=1']): Revision {
  return {
    name: 'web',
    revision,
    imageId: `sha256:${image}`,
    imageRef: `app:${image}`,
    containerId: `c${revision}`,
    spec: spec(env),
    recordedAt: revision * 1000,
    ...(lastRun && { lastRun }),
  };
}

const healthy = (at: number): LastRun => ({ verdict: 'healthy', at });
const failed = (at: number, detail = 'reported unhealthy'): LastRun => ({ verdict: 'failed', at, detail });

/** The history: v1, v2, v3 (unhealthy), v2 again (current). */
const history = [
  rev(4, 'v2', healthy(40)),
  rev(3, 'v3', failed(30)),
  rev(2, 'v2', healthy(20)),
  rev(1, 'v1', healthy(10)),
];
const currentV2 = { revision: 4, version: { imageId: 'sha256:v2', spec: spec(['A=1']) } };

describe('chooseRollbackTarget', () => {
  it('goes past the revision that failed and the one that is the current config, saying so', () => {
    const choice = chooseRollbackTarget('web', currentV2, history, history);
    expect(choice.target.revision).toBe(1);
    expect(choice.skipped).toEqual([
      { revision: 3, why: 'its last run failed (reported unhealthy)' },
      { revision: 2, why: 'the same image and config as the current one' },
    ]);
    expect(describeChoice(choice)).toBe(
      'revision 1 (app:v1): the newest earlier one with another image or config whose last run did not fail; ' +
        'passed over 3, its last run failed (reported unhealthy); 2, the same image and config as the current one',
    );
  });

  it('takes a config-only revision when it is the newest earlier one that differs', () => {
    const configOnly = [rev(2, 'v1', undefined, ['A=2']), rev(1, 'v1')];
    const current = { revision: 2, version: { imageId: 'sha256:v1', spec: spec(['A=2']) } };
    expect(chooseRollbackTarget('web', current, configOnly, configOnly).target.revision).toBe(1);
  });

  it('judges a revision by the last run of its image and config, whatever revision that run was', () => {
    const all = [rev(3, 'v3'), rev(2, 'v1', failed(25, 'exited with code 1')), rev(1, 'v1', healthy(10))];
    const current = { revision: 3, version: { imageId: 'sha256:v3', spec: spec(['A=1']) } };
    expect(lastRunOf(all[2] as Revision, all)).toEqual(failed(25, 'exited with code 1'));
    expect(() => chooseRollbackTarget('web', current, all, all)).toThrow(
      'web has no revision before 3 to go back to (2: its last run failed (exited with code 1); 1: its last run failed (exited with code 1)) (kept revisions: 3, 2, 1)',
    );
  });

  it('counts a revision never seen failing as fit (no healthcheck, recorded before verdicts)', () => {
    const all = [rev(2, 'v2'), rev(1, 'v1')];
    const current = { revision: 2, version: { imageId: 'sha256:v2', spec: spec(['A=1']) } };
    expect(chooseRollbackTarget('web', current, all, all).target.revision).toBe(1);
  });

  it('takes any kept revision by number, even one that failed, but not the one that runs now', () => {
    expect(chooseRollbackTarget('web', currentV2, history, history, 3).target.revision).toBe(3);
    expect(() => chooseRollbackTarget('web', currentV2, history, history, 2)).toThrow(
      'web already runs the image and config of revision 2',
    );
    const missing = (() => {
      try {
        chooseRollbackTarget('web', currentV2, history, history, 9);
        return undefined;
      } catch (err) {
        return err;
      }
    })();
    expect(missing).toBeInstanceOf(ActionError);
    expect(missing).toMatchObject({
      code: 'no-revision',
      message: 'web has no revision 9 (kept revisions: 4, 3, 2, 1)',
    });
  });

  it('considers every kept revision when the current container is not recorded yet', () => {
    const current = { version: { imageId: 'sha256:v9', spec: spec(['A=1']) } };
    expect(chooseRollbackTarget('web', current, history, history).target.revision).toBe(4);
  });
});
