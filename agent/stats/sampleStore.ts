import type { ContainerSample } from './containerSample';
import type { RootSample } from './rootSample';

/** The latest sample of every running container and of the host's root container, replaced whole by each pass. */
export class SampleStore {
  private samples = new Map<string, ContainerSample>();
  private rootSample: RootSample | undefined;
  private gen = 0;

  /** Replaces all samples with one pass's results; containers left out are gone, and so is the root without one. */
  replace(samples: readonly ContainerSample[], root?: RootSample): void {
    const next = new Map<string, ContainerSample>();
    for (const s of samples) next.set(s.id, s);
    this.samples = next;
    this.rootSample = root;
    this.gen++;
  }

  /** The latest sample of the root container `/` (the whole host), if the collector reads it. */
  root(): RootSample | undefined {
    return this.rootSample;
  }

  /** The latest sample of one container. */
  get(id: string): ContainerSample | undefined {
    return this.samples.get(id);
  }

  /** Every stored sample. */
  all(): IterableIterator<ContainerSample> {
    return this.samples.values();
  }

  /** Number of passes stored so far; 0 until the first one. */
  get generation(): number {
    return this.gen;
  }
}
