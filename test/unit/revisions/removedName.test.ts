import { ActionError } from '../../../agent/actions/actionError';
import {
  CONTAINER_NAME,
  chooseRemovedTarget,
  describeRemovedChoice,
  labelsOf,
  removedNames,
} from '../../../agent/actions/removedName';
import type { LastRun, Revision } from '../../../agent/revisions/revisionStore';

function rev(name: string, revision: number, image: string, lastRun?: LastRun, labels?: unknown): Revision {
  return {
    name,
    revision,
    imageId: `sha256:${image}`,
    imageRef: `app:${image}`,
    containerId: `c${revision}`,
    spec: { config: { Env: ['A=1'], ...(labels !== undefined && { Labels: labels }) }, hostConfig: {}, networks: {} },
    recordedAt: revision * 1000,
    ...(lastRun && { lastRun }),
  };
}

const healthy = (at: number): LastRun => ({ verdict: 'healthy', at });
const failed = (at: number, detail = 'reported unhealthy'): LastRun => ({ verdict: 'failed', at, detail });

describe('chooseRemovedTarget (no container: nothing is "the current one")', () => {
  it('takes the last revision before the removal, even when it is the same as an older one', () => {
    const all = [rev('web', 3, 'v2', healthy(30)), rev('web', 2, 'v1'), rev('web', 1, 'v2', healthy(10))];
    const choice = chooseRemovedTarget('web', all, all);
    expect(choice).toEqual({ target: all[0], skipped: [] });
    expect(describeRemovedChoice(choice)).toBe('revision 3 (app:v2): the last one before removal');
  });

  it('passes over revisions whose last run failed (also as the same version later), saying so', () => {
    const all = [rev('web', 3, 'v3', failed(30)), rev('web', 2, 'v2'), rev('web', 1, 'v3')];
    const choice = chooseRemovedTarget('web', all, all);
    expect(choice.target.revision).toBe(2);
    expect(describeRemovedChoice(choice)).toBe(
      'revision 2 (app:v2): the newest kept one whose last run did not fail; passed over 3, its last run failed (reported unhealthy)',
    );
    const kept = [all[0] as Revision, all[2] as Revision];
    expect(() => chooseRemovedTarget('web', kept, all)).toThrow(/1: its last run failed \(reported unhealthy\)/);
  });

  it('refuses when every kept revision failed, naming them and --to', () => {
    const all = [rev('web', 2, 'v3', failed(30, 'exit 1')), rev('web', 1, 'v3')];
    expect(() => chooseRemovedTarget('web', all, all)).toThrow(
      new ActionError(
        'no-revision',
        'web has no revision to recreate (2: its last run failed (exit 1); 1: its last run failed (exit 1)) (kept revisions: 2, 1); name one with --to',
      ),
    );
  });

  it('takes the revision --to names, failed or not, and refuses one that is not kept', () => {
    const all = [rev('web', 3, 'v3', failed(30)), rev('web', 2, 'v2'), rev('web', 1, 'v1')];
    const kept = all.slice(0, 2);
    expect(chooseRemovedTarget('web', kept, all, 3).target.revision).toBe(3);
    expect(() => chooseRemovedTarget('web', kept, all, 1)).toThrow('web has no revision 1 (kept revisions: 3, 2)');
  });
});

describe('removedNames', () => {
  it('lists names without a container, newest first, within the window, with labels and the plain choice', () => {
    const revisions: Record<string, Revision[]> = {
      web: [rev('web', 3, 'v2', undefined, { team: 'a' }), rev('web', 2, 'v1'), rev('web', 1, 'v0')],
      db: [rev('db', 1, 'v1', failed(5))],
      api: [rev('api', 1, 'v1')],
    };
    const listed = removedNames(['web', 'db', 'api'], new Set(['api']), (n) => revisions[n] ?? [], 2);
    expect(listed).toEqual([
      {
        name: 'db',
        revisions: [{ revision: 1, imageRef: 'app:v1', labels: {} }],
        rollback: {
          error:
            'db has no revision to recreate (1: its last run failed (reported unhealthy)) (kept revisions: 1); name one with --to',
        },
      },
      {
        name: 'web',
        revisions: [
          { revision: 3, imageRef: 'app:v2', labels: { team: 'a' } },
          { revision: 2, imageRef: 'app:v1', labels: {} },
        ],
        rollback: { revision: 3, why: 'revision 3 (app:v2): the last one before removal' },
      },
    ]);
  });

  it('keeps only string labels and accepts only docker container names', () => {
    expect(labelsOf(rev('x', 1, 'v', undefined, { a: '1', b: 2 }))).toEqual({ a: '1' });
    expect(labelsOf(rev('x', 1, 'v', undefined, null))).toEqual({});
    for (const ok of ['web', 'web-1', 'a.b_c', 'W9']) expect(CONTAINER_NAME.test(ok)).toBe(true);
    for (const bad of ['', '-web', '../x', 'a/b', 'a b', 'x'.repeat(256)]) expect(CONTAINER_NAME.test(bad)).toBe(false);
  });
});
