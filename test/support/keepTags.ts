import { keepTag } from '../../agent/revisions/keepTags';
import { testDocker } from './engine';

/** Removes every keep tag (`dockwatch-keep/<name>:rev-*`) of the given container names; images stay if tagged otherwise. */
export async function removeKeepTags(names: readonly string[]): Promise<void> {
  const repos = new Set(names.map((name) => keepTag(name, 1).repo));
  const images = await testDocker().listImages({ filters: { dangling: ['false'] } });
  const refs = images.flatMap((i) => i.RepoTags ?? []).filter((ref) => repos.has(ref.replace(/:[^:]*$/, '')));
  for (const ref of refs)
    await testDocker()
      .getImage(ref)
      .remove({ noprune: true })
      .catch(() => undefined);
}
