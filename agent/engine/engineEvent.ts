/** One message of the engine's event stream (`GET /events`), the fields dockwatch uses. */
export type EngineEvent = {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  time: number;
  /** Exact nanosecond timestamp; JSON numbers lose precision past 2^53, so it is read from the raw line. */
  timeNano: bigint;
};

/** Parses one line of the event stream, keeping `timeNano` exact. */
export function parseEventLine(line: string): EngineEvent {
  const raw = JSON.parse(line) as Omit<EngineEvent, 'timeNano'> & { timeNano?: number };
  const at = line.lastIndexOf('"timeNano":');
  const m = at >= 0 ? /^"timeNano":\s*(\d+)/.exec(line.slice(at)) : null;
  const timeNano = m ? BigInt(m[1] as string) : BigInt(raw.time) * 1_000_000_000n;
  return { ...raw, timeNano };
}

/** The action without its argument (`exec_start: sh -c …` → `exec_start`), keeping health results. */
export function normalizeAction(action: string): string {
  const colon = action.indexOf(':');
  if (colon < 0) return action;
  const head = action.slice(0, colon);
  return head === 'health_status' ? `health_status: ${action.slice(colon + 1).trim()}` : head;
}

/** The `since` value resuming after an event, with nanosecond precision (`seconds.nanoseconds`). */
export function sinceAfter(timeNano: bigint): string {
  const ns = timeNano;
  const s = ns / 1_000_000_000n;
  const rest = ns % 1_000_000_000n;
  return `${s}.${rest.toString().padStart(9, '0')}`;
}
