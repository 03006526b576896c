import type Dockerode from 'dockerode';

/**
 * How many events the engine sent between two times (whole seconds, as `docker events --since --until`): every one
 * reaches the agent's event stream, whatever container it concerns, so on a shared engine they explain an "idle"
 * agent's extra work.
 */
export async function countEngineEvents(docker: Dockerode, sinceS: number, untilS: number): Promise<number> {
  const stream = (await docker.getEvents({ since: sinceS, until: untilS })) as NodeJS.ReadableStream;
  let count = 0;
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    for (const ch of text) if (ch === '\n') count++;
  }
  return count;
}
