import type { ContainerSample } from './containerSample';

/** The latest sample of every running container, replaced whole by each sampling pass. */
export class SampleStore {
  private samples = new Map<string, ContainerSample>();
  private gen = 0;

  /** Replaces all samples with one pass's results; containers left out are gone. */
  replace(samples: readonly ContainerSample[]): void {
    const next = new Map<string, ContainerSample>();
    for (const s of samples) next.set(s.id, s);
    this.samples = next;
    this.gen++;
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
