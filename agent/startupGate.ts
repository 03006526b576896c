/**
 * Opens once the agent first becomes ready (or after `maxWaitMs`, so a first pass that never comes holds nothing for
 * ever). Work that is not needed for the first /metrics waits for it, so it does not compete with the first sync,
 * sampling pass and render for the engine and the CPU.
 */
export class StartupGate {
  /** Resolves when the gate opens. */
  readonly opened: Promise<void>;
  private release: () => void = () => undefined;
  private readonly cap: NodeJS.Timeout;

  constructor(maxWaitMs: number) {
    this.opened = new Promise<void>((resolve) => (this.release = resolve));
    this.cap = setTimeout(() => this.open(), maxWaitMs);
    this.cap.unref();
  }

  /** Opens the gate (again is a no-op). */
  open(): void {
    clearTimeout(this.cap);
    this.release();
  }
}
