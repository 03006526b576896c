/** The engine accepted a request and said nothing within the watchdog's timeout: it is stalled, not refusing. */
export class EngineNoAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineNoAnswerError';
  }
}

/** What the watchdog asks and whom it tells. */
export type EngineWatchdogOptions = {
  /** Pause between the end of one probe and the start of the next (asked again before each pause). */
  intervalMs: number | (() => number);
  /** How long one probe may go unanswered. */
  timeoutMs: number;
  /** One `GET /_ping`; it should give up when `signal` aborts (the watchdog stops waiting for it then anyway). */
  probe(signal: AbortSignal): Promise<unknown>;
  /** The probe was answered. */
  onAnswer(): void;
  /** The probe got no answer within `timeoutMs` (it was aborted). */
  onNoAnswer(err: EngineNoAnswerError): void;
  /** The probe failed at once (refused, no such socket, an HTTP error): an engine that is down, not stalled. */
  onError?(err: Error): void;
};

/** `1.5s`, `5s`: how a timeout reads in a message. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/**
 * Asks the engine whether it is there, one probe at a time for as long as it runs, whatever the connection's state:
 * an engine that stops answering (accepts, then says nothing, as a hung dockerd does) is reported within
 * `intervalMs + timeoutMs` of its last answer, and one that answers again at once when a probe is in flight (the
 * engine answers it), else within `intervalMs` plus a round trip.
 */
export class EngineWatchdog {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: AbortController | undefined;

  constructor(private readonly options: EngineWatchdogOptions) {}

  /** Probes now, then `intervalMs` after each probe settles, until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.round();
  }

  /** Probes now instead of at the end of the pause (nothing when a probe is in flight, or when stopped). */
  probeNow(): void {
    if (!this.running || this.current) return;
    clearTimeout(this.timer);
    void this.round();
  }

  /** Stops probing and abandons the probe in flight. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.current?.abort(new Error('the watchdog stopped'));
    this.current = undefined;
  }

  private async round(): Promise<void> {
    const { timeoutMs, probe } = this.options;
    const controller = new AbortController();
    this.current = controller;
    const noAnswer = new EngineNoAnswerError(`no answer to GET /_ping within ${seconds(timeoutMs)}`);
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timeout = setTimeout(() => resolve('late'), timeoutMs);
      timeout.unref();
    });
    const outcome = await Promise.race([
      probe(controller.signal).then(
        () => 'answered' as const,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      ),
      late,
    ]);
    clearTimeout(timeout);
    if (outcome === 'late') controller.abort(noAnswer);
    if (!this.running || this.current !== controller) return;
    this.current = undefined;
    try {
      if (outcome === 'answered') this.options.onAnswer();
      else if (outcome === 'late') this.options.onNoAnswer(noAnswer);
      else this.options.onError?.(outcome);
    } finally {
      if (this.running) this.schedule();
    }
  }

  private schedule(): void {
    const { intervalMs } = this.options;
    this.timer = setTimeout(() => void this.round(), typeof intervalMs === 'number' ? intervalMs : intervalMs());
    this.timer.unref();
  }
}
