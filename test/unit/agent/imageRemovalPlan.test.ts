import { describeImageUsers, planImageRemoval, type ImageRemovalInput } from '../../../agent/actions/imageRemovalPlan';

const ID = `sha256:${'ab'.repeat(32)}`;
const KEEP = 'dockwatch-keep/web:rev-2';
const keepTags = new Map([[KEEP, { name: 'web', revision: 2 }]]);

function plan(extra: Partial<ImageRemovalInput>) {
  return planImageRemoval({
    requested: { kind: 'tag', tag: 'app:v1' },
    imageId: ID,
    tags: ['app:v1'],
    usedBy: { names: [], others: 0 },
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

  it('refuses an image containers use, naming those it may and counting the others, unless forced', () => {
    const hint = 'or use --force (a role with force: true may)';
    expect(plan({ usedBy: { names: ['web', 'worker'], others: 0 } })).toEqual({
      ok: false,
      reason: `app:v1 is used by containers web, worker: remove them first (rm), ${hint}`,
    });
    expect(plan({ usedBy: { names: ['web'], others: 2 } })).toEqual({
      ok: false,
      reason: `app:v1 is used by containers web and 2 others: remove them first (rm), ${hint}`,
    });
    expect(plan({ usedBy: { names: [], others: 1 } })).toEqual({
      ok: false,
      reason: `app:v1 is used by 1 container: remove it first (rm), ${hint}`,
    });
    expect(plan({ usedBy: { names: ['web'], others: 0 }, force: true })).toMatchObject({
      ok: true,
      outcome: 'deleted',
      engineForce: true,
    });
  });

  it('says who uses an image in words', () => {
    expect(describeImageUsers({ names: ['web'], others: 0 })).toBe('container web');
    expect(describeImageUsers({ names: ['web'], others: 1 })).toBe('containers web and 1 other');
    expect(describeImageUsers({ names: [], others: 3 })).toBe('3 containers');
  });

  it('only untags a name when the image has others, saying which keep tag holds it', () => {
    expect(plan({ tags: ['app:v1', KEEP], usedBy: { names: ['web'], others: 0 } })).toEqual({
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
