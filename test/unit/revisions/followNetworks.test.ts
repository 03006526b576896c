import type { ContainerInspectInfo } from 'dockerode';
import { createSpecFromInspect } from '../../../agent/revisions/createSpec';
import { RevisionStore, type Revision } from '../../../agent/revisions/revisionStore';
import { followNetworksOf, onlyNetworksMoved as movedIn } from '../../../agent/revisions/revisionUpdates';
import { openStore } from '../../../agent/store/database';
import { createLogger } from '../../../shared/logger';
import { inspectFixture } from './inspectFixture';

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const base = inspectFixture('inspect-cli-run.json');
const [netA] = Object.keys(base.NetworkSettings.Networks) as [string];

/** The fixture container, changed by `change` (a clone: the fixture stays as captured). */
function container(change: (info: ContainerInspectInfo) => void = () => undefined): ContainerInspectInfo {
  const info = structuredClone(base);
  change(info);
  return info;
}

/** The fixture connected to network `b` too, with an alias, as `docker network connect --alias web-b b` leaves it. */
const withB = (info: ContainerInspectInfo) => {
  const a = info.NetworkSettings.Networks[netA];
  info.NetworkSettings.Networks.b = { ...structuredClone(a), NetworkID: 'b'.repeat(64), Aliases: ['web-b'] } as never;
};

/** Whether only the networks moved, for a look that found `info`. */
const onlyNetworksMoved = (latest: Revision, info: ContainerInspectInfo) =>
  movedIn(latest, info, { imageId: info.Image, spec: createSpecFromInspect(info) });

/** Follows the networks `info` (the revision's container) has now. */
const follow = (store: RevisionStore, revision: Revision, info: ContainerInspectInfo): Revision =>
  followNetworksOf({ store, logger }, revision, info.Id, createSpecFromInspect(info).networks);

function storeWith(info: ContainerInspectInfo, containerId = info.Id) {
  const store = new RevisionStore(openStore(':memory:'));
  const revision = store.add({
    name: 'app',
    imageId: info.Image,
    imageRef: info.Config.Image,
    containerId,
    spec: createSpecFromInspect(info),
    recordedAt: 1,
  });
  return { store, revision };
}

describe('onlyNetworksMoved', () => {
  const { revision } = storeWith(container(withB));

  it('holds for the revision’s own running container with a network connected or disconnected since', () => {
    expect(onlyNetworksMoved(revision, container())).toBe(true);
    expect(onlyNetworksMoved(storeWith(container()).revision, container(withB))).toBe(true);
  });

  it('does not hold when nothing moved, when more than networks differ, or for another or a stopped container', () => {
    expect(onlyNetworksMoved(revision, container(withB))).toBe(false);
    expect(
      onlyNetworksMoved(
        revision,
        container((i) => (i.Config.Env = [...i.Config.Env, 'NEW=1'])),
      ),
    ).toBe(false);
    expect(
      onlyNetworksMoved(
        revision,
        container((i) => (i.Image = 'sha256:other')),
      ),
    ).toBe(false);
    expect(
      onlyNetworksMoved(
        revision,
        container((i) => (i.Id = 'f'.repeat(64))),
      ),
    ).toBe(false);
    expect(
      onlyNetworksMoved(
        revision,
        container((i) => (i.State.Running = false)),
      ),
    ).toBe(false);
  });
});

describe('followNetworksOf', () => {
  it('sets the revision’s networks to the container’s, keeping its number', () => {
    const { store, revision } = storeWith(container(withB));
    const followed = follow(store, revision, container());
    expect(followed.revision).toBe(1);
    expect(Object.keys(store.get('app', 1)?.spec.networks ?? {})).toEqual([netA]);
    expect(store.list('app').map((r) => r.revision)).toEqual([1]);
  });

  it('merges the revision into the one before when that makes the two equal, the earlier number kept', () => {
    const { store, revision } = storeWith(container(withB), 'old-container');
    const info = container();
    const second = store.add({ ...revision, containerId: info.Id, spec: createSpecFromInspect(info) });
    expect(second.revision).toBe(2);
    const followed = follow(store, second, container(withB));
    expect(followed.revision).toBe(1);
    expect(store.list('app').map((r) => r.revision)).toEqual([1]);
    expect(store.byContainer(info.Id)?.revision).toBe(1);
  });

  it('changes nothing when the networks are those recorded', () => {
    const { store, revision } = storeWith(container());
    expect(follow(store, revision, container())).toEqual(revision);
    expect(store.get('app', 1)).toEqual(revision);
  });
});
