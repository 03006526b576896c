import {
  decideRecovery,
  type RecoveredContainer,
  type RecoveryFacts,
} from '../../../agent/revisions/replacementRecoveryPlan';

const STARTED = 1_000_000;
const ASIDE = 'web-dockwatch-old-1000000';

const container = (id: string, over: Partial<RecoveredContainer> = {}): RecoveredContainer => ({
  id,
  name: 'web',
  running: true,
  readiness: 'ready',
  createdAt: STARTED - 86_400_000,
  finishedAt: 0,
  stopTimeoutMs: 10_000,
  ...over,
});

/** The old container as it stands at each step of a rollback, and the new one once created. */
const oldRunning = container('old');
const oldStopped = container('old', { running: false, readiness: 'failed', finishedAt: STARTED + 100 });
const oldAside = { ...oldStopped, name: ASIDE };
const made = (over: Partial<RecoveredContainer> = {}) =>
  container('new', {
    running: false,
    readiness: 'failed',
    why: 'the container exited with code 0',
    createdAt: STARTED + 500,
    ...over,
  });

const facts = (over: Partial<RecoveryFacts>): RecoveryFacts => ({
  name: 'web',
  oldContainerId: 'old',
  oldRunning: true,
  startedAt: STARTED,
  final: false,
  now: STARTED + 60_000,
  ...over,
});

const actionsOf = (f: RecoveryFacts) => {
  const plan = decideRecovery(f);
  return plan.kind === 'wait' ? 'wait' : [plan.kind, ...plan.actions.map((a) => `${a.kind} ${a.containerId}`)];
};

describe('decideRecovery: how a replacement whose process died ends', () => {
  it('undoes a kill before anything changed, after the stop, and between the rename and the create', () => {
    expect(actionsOf(facts({ underName: oldRunning, old: oldRunning }))).toEqual(['undo']);
    expect(actionsOf(facts({ underName: oldStopped, old: oldStopped }))).toEqual(['undo', 'start old']);
    expect(actionsOf(facts({ old: oldAside }))).toEqual(['undo', 'rename-back old', 'start old']);
  });

  it('gives a stop the dead process asked for its time before it starts the old container again', () => {
    const stopping = facts({ underName: oldRunning, old: oldRunning, now: STARTED + 3_000 });
    expect(actionsOf(stopping)).toBe('wait');
    expect(actionsOf({ ...stopping, now: STARTED + 12_001 })).toEqual(['undo']);
    expect(actionsOf({ ...stopping, underName: oldStopped, old: oldStopped, now: STARTED + 12_001 })).toEqual([
      'undo',
      'start old',
    ]);
    expect(actionsOf({ ...stopping, oldRunning: false })).toEqual(['undo']);
  });

  it('removes a new container that was created but not noted, or not started, and puts the old one back', () => {
    const unnoted = made();
    expect(actionsOf(facts({ underName: unnoted, old: oldAside }))).toEqual([
      'undo',
      'remove new',
      'rename-back old',
      'start old',
    ]);
    const noted = made();
    expect(actionsOf(facts({ newContainerId: 'new', underName: noted, noted, old: oldAside }))).toEqual([
      'undo',
      'remove new',
      'rename-back old',
      'start old',
    ]);
  });

  it('waits for a new container that may still become ready, then finishes or undoes', () => {
    const starting = made({ running: true, readiness: 'waiting', why: 'health is starting' });
    const f = facts({ newContainerId: 'new', underName: starting, noted: starting, old: oldAside });
    expect(actionsOf(f)).toBe('wait');
    expect(actionsOf({ ...f, final: true })).toEqual(['undo', 'remove new', 'rename-back old', 'start old']);
    const ready = made({ running: true, readiness: 'ready' });
    expect(actionsOf({ ...f, underName: ready, noted: ready })).toEqual(['finish', 'remove old']);
    const unhealthy = made({ running: true, readiness: 'failed', why: 'the health check failed (unhealthy)' });
    expect(actionsOf({ ...f, underName: unhealthy, noted: unhealthy })).toEqual([
      'undo',
      'remove new',
      'rename-back old',
      'start old',
    ]);
  });

  it('finishes when the old container was already removed, and never leaves the name empty', () => {
    const ready = made({ running: true, readiness: 'ready' });
    expect(actionsOf(facts({ newContainerId: 'new', underName: ready, noted: ready }))).toEqual(['finish']);
    const crashed = made({ running: false, readiness: 'failed' });
    const plan = decideRecovery(facts({ newContainerId: 'new', underName: crashed, noted: crashed }));
    expect(plan).toEqual(
      expect.objectContaining({ kind: 'finish', actions: [expect.objectContaining({ kind: 'start' })] }),
    );
  });

  it('does not start an old container that did not run, and reads that from its exit time for older markers', () => {
    const exitedBefore = container('old', { running: false, readiness: 'failed', finishedAt: STARTED - 60_000 });
    expect(actionsOf(facts({ oldRunning: false, old: { ...oldAside, finishedAt: STARTED + 100 } }))).toEqual([
      'undo',
      'rename-back old',
    ]);
    expect(actionsOf(facts({ oldRunning: undefined, old: { ...exitedBefore, name: ASIDE } }))).toEqual([
      'undo',
      'rename-back old',
    ]);
    expect(actionsOf(facts({ oldRunning: undefined, old: oldAside }))).toEqual([
      'undo',
      'rename-back old',
      'start old',
    ]);
  });

  it('leaves alone a container under the name that is older than the replacement, and says when the old one is gone', () => {
    const someoneElse = container('other', { createdAt: STARTED - 3_600_000 });
    expect(actionsOf(facts({ underName: someoneElse, old: oldAside }))).toEqual([
      'undo',
      'rename-back old',
      'start old',
    ]);
    expect(decideRecovery(facts({}))).toEqual(
      expect.objectContaining({ kind: 'undo', actions: [], problem: 'the old container old is gone' }),
    );
  });

  it('recreating a removed name: keeps a ready container, removes one that did not come up', () => {
    const recreate = { oldContainerId: '', oldRunning: false };
    const ready = made({ running: true, readiness: 'ready' });
    expect(actionsOf(facts({ ...recreate, underName: ready }))).toEqual(['finish']);
    expect(actionsOf(facts({ ...recreate, underName: made() }))).toEqual(['undo', 'remove new']);
    expect(decideRecovery(facts({ ...recreate }))).toEqual(expect.objectContaining({ kind: 'undo', actions: [] }));
  });
});
