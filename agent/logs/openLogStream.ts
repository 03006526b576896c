import type Docker from 'dockerode';

/** Opens a container's log stream with times, both streams, following, from `since` (`seconds.nanoseconds`). */
export async function openLogStream(
  docker: Docker,
  id: string,
  since: string,
): Promise<NodeJS.ReadableStream & { destroy(): void }> {
  const opts = { follow: true, stdout: true, stderr: true, timestamps: true, since } as unknown as {
    follow: true;
  };
  const stream = await docker.getContainer(id).logs(opts);
  return stream as unknown as NodeJS.ReadableStream & { destroy(): void };
}
