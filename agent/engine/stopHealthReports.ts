import type { EngineEvent } from './engineEvent';

/**
 * Signals that stop a container when sent to it (`docker stop`, `docker kill`, `docker rm -f`, a stop signal set in
 * the image), as the engine's `kill` event names them: by number, or by name in some engine versions. Others (HUP,
 * USR1, …) usually ask a running process to reload and say nothing of a stop.
 */
const STOPPING_SIGNALS = new Set([
  '2',
  '3',
  '9',
  '15',
  'SIGINT',
  'SIGQUIT',
  'SIGKILL',
  'SIGTERM',
  'INT',
  'QUIT',
  'KILL',
  'TERM',
]);

/**
 * Tells a health report made while its container was being stopped from a real one. The engine's probe can run
 * against a process being killed, fail, and report `health_status: unhealthy` between the `kill` and the `die` of a
 * healthy container (4 of 20 `docker rm -f` here, with a 20 ms health interval). Such a report says nothing of how
 * the container runs: it must not fire an `unhealthy` alert nor mark its revision's run as failed.
 */
export class StopHealthReports {
  /** Containers sent a stopping signal, or exited, and not started (nor reported healthy) since. */
  private readonly stopping = new Set<string>();

  /** Follows one event; true when it is an `unhealthy` report of a container that is being stopped or has exited. */
  isStopNoise(e: EngineEvent): boolean {
    if (e.Type !== 'container') return false;
    const id = e.Actor.ID;
    switch (e.Action) {
      case 'kill':
        if (STOPPING_SIGNALS.has(e.Actor.Attributes?.signal ?? '')) this.stopping.add(id);
        return false;
      case 'die':
      case 'stop':
        this.stopping.add(id);
        return false;
      case 'start':
      case 'destroy':
      case 'health_status: healthy':
        this.stopping.delete(id);
        return false;
      case 'health_status: unhealthy':
        return this.stopping.has(id);
      default:
        return false;
    }
  }
}
