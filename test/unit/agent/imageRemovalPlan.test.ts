import { planImageRemoval, type ImageRemovalInput } from '../../../agent/actions/imageRemovalPlan';

const ID = `sha256:${'ab'.repeat(32)}`;
const KEEP = 'dockwatch-keep/web:rev-2';
const keepTags = new Map([[KEEP, { name: 'web', revision: 2 }]]);

function plan(extra: Partial<ImageRemovalInput>) {
  return planImageRemoval({
    requested: { kind: 'tag', tag: 'app:v1' },
    imageId: ID,
    tags: ['app:v1'],
    usedBy: [],
    keepTags,
    force: false,
    ...extra,
  });
}

describe('planImageRemoval', () => {
  it('deletes an unused image by its last name', () => {
    expect(plan({})).toEqual({
      ok: true,
      outcome: 'deleted',
      engineRef: 'app:v1',
      engineForce: false,
      heldBy: [],
      removedKeepTags: [],
      removedKeepTagRefs: [],
    });
  });

  it('refuses an image containers use, naming them, unless forced', () => {
    expect(plan({ usedBy: ['web', 'worker'] })).toEqual({
      ok: false,
      reason:
        'app:v1 is used by containers web, worker: remove them first (rm), or use --force (a role with force: true may)',
    });
    expect(plan({ usedBy: ['web'], force: true })).toMatchObject({ ok: true, outcome: 'deleted', engineForce: true });
  });

  it('only untags a name when the image has others, saying which keep tag holds it', () => {
    expect(plan({ tags: ['app:v1', KEEP], usedBy: ['web'] })).toEqual({
      ok: true,
      outcome: 'untagged',
      engineRef: 'app:v1',
      engineForce: false,
      heldBy: ['revision 2 of web (dockwatch-keep/web:rev-2)'],
      removedKeepTags: [],
      removedKeepTagRefs: [],
    });
  });

  it('refuses a keep tag itself unless forced, explaining that rollback needs it', () => {
    expect(plan({ requested: { kind: 'tag', tag: KEEP }, tags: ['app:v1', KEEP] })).toEqual({
      ok: false,
      reason:
        'dockwatch-keep/web:rev-2 is the keep tag of revision 2 of web: rollback to that revision needs it, so it ' +
        'is not removed; use --force (a role with force: true may)',
    });
    expect(plan({ requested: { kind: 'tag', tag: KEEP }, tags: [KEEP], force: true })).toMatchObject({
      ok: true,
      outcome: 'deleted',
      removedKeepTags: ['revision 2 of web (dockwatch-keep/web:rev-2)'],
    });
  });

  it('by ID: refuses while keep tags hold it or it has several names, deletes everything when forced', () => {
    expect(plan({ requested: { kind: 'id', id: ID }, tags: [KEEP] })).toEqual({
      ok: false,
      reason:
        'image abababababab is held by the keep tag of revision 2 of web (dockwatch-keep/web:rev-2): rollback ' +
        'needs it; use --force (a role with force: true may)',
    });
    expect(plan({ requested: { kind: 'id', id: ID }, tags: ['a:1', 'b:1'] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('has several names (a:1, b:1)') as string,
    });
    expect(plan({ requested: { kind: 'id', id: ID }, tags: ['a:1'] })).toMatchObject({ ok: true, engineRef: ID });
    expect(plan({ requested: { kind: 'id', id: ID }, tags: ['a:1', KEEP], force: true })).toEqual({
      ok: true,
      outcome: 'deleted',
      engineRef: ID,
      engineForce: true,
      heldBy: [],
      removedKeepTags: ['revision 2 of web (dockwatch-keep/web:rev-2)'],
      removedKeepTagRefs: [KEEP],
    });
  });
});
