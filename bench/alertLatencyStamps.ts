import type Dockerode from 'dockerode';
import { dockerOptions, parseDockerHost } from '../agent/engine/dockerHost';
import { normalizeAction } from '../agent/engine/engineEvent';
import { loadDockerode } from '../agent/engine/loadDockerode';
import { openEventStream, type EventStreamHandle } from '../agent/engine/eventStream';
import { LogFrameDecoder } from '../agent/logs/logFrameDecoder';
import { nsToMs, parseLogTimestamp } from '../agent/logs/logTimestamp';
import type { BenchEngine } from './benchFleet';

/** An event that arrived behind one with a later timeNano (container, image or daemon, as the agent follows). */
export type LateEvent = { id: string; name: string; action: string; behindMs: number };

/** The engine's own time (timeNano, in ms) of each container event the bench waits for. */
export type EventStamps = {
  /** When the engine stamped `action` (`die`, `oom`) for container `id`, if it came yet. */
  at(id: string, action: string): number | undefined;
  /** Events that arrived after an event the engine had stamped later: the stream is not in timeNano order. */
  readonly late: readonly LateEvent[];
  /** Whether the stream ended before `close` (the stamps after that are missing). */
  readonly broken: boolean;
  close(): void;
};

/**
 * Subscribes to the engine's event stream now (before any bench container starts), keeps the first timeNano of
 * every container action and notes the events that arrive out of timeNano order. Uses a client of its own without
 * the bench's request timeout: the stream may idle long.
 */
export async function recordEventStamps(engine: BenchEngine): Promise<EventStamps> {
  const Docker = loadDockerode();
  const docker = new Docker(dockerOptions(parseDockerHost(engine.host), undefined, engine.apiVersion));
  const stamps = new Map<string, number>();
  const late: LateEvent[] = [];
  let latest = 0n;
  let broken = false;
  const handle: EventStreamHandle = await openEventStream(
    docker,
    undefined,
    (e) => {
      if (e.timeNano < latest) {
        const name = (e.Actor.Attributes?.name ?? e.Actor.ID).replace(/^\//, '');
        late.push({
          id: e.Actor.ID,
          name,
          action: normalizeAction(e.Action),
          behindMs: Number(latest - e.timeNano) / 1e6,
        });
      } else latest = e.timeNano;
      if (e.Type !== 'container') return;
      const key = `${e.Actor.ID}\n${normalizeAction(e.Action)}`;
      if (!stamps.has(key)) stamps.set(key, Number(e.timeNano) / 1e6);
    },
    (err) => {
      broken = true;
      process.stderr.write(`[bench] the engine's event stream ended: ${err?.message ?? 'closed'}\n`);
    },
  );
  return {
    at: (id, action) => stamps.get(`${id}\n${action}`),
    late,
    get broken() {
      return broken;
    },
    close: () => handle.close(),
  };
}

/**
 * The engine's timestamp (ms, with the fraction kept) of the first line of a container's log that `pattern` finds,
 * read after the fact with `timestamps=true`; undefined when no line matches.
 */
export async function lineStamp(docker: Dockerode, id: string, pattern: RegExp): Promise<number | undefined> {
  const raw = (await docker.getContainer(id).logs({ stdout: true, stderr: true, timestamps: true, follow: false })) as
    Buffer | string;
  const buffer = typeof raw === 'string' ? Buffer.from(raw, 'binary') : raw;
  const text = new LogFrameDecoder()
    .push(buffer)
    .map((f) => f.data.toString('utf8'))
    .join('');
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0 || !pattern.test(line.slice(space + 1))) continue;
    const ns = parseLogTimestamp(line.slice(0, space));
    if (ns !== undefined) return nsToMs(ns) + Number(ns % 1_000_000n) / 1e6;
  }
  return undefined;
}
