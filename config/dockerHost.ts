import { parseHostPort } from './hostPort';

/** The scheme of a valid Docker Engine address. */
export type DockerHostScheme = 'unix' | 'tcp' | 'http' | 'https';

/** The scheme of `unix:///PATH`, `tcp://HOST:PORT`, `http://…` or `https://…`; undefined if malformed. */
export function dockerHostScheme(url: string): DockerHostScheme | undefined {
  if (/^unix:\/\/\/./.test(url)) return 'unix';
  const tcp = /^(tcp|http|https):\/\/([^/]+)\/?$/.exec(url);
  if (!tcp?.[2] || !parseHostPort(tcp[2])) return undefined;
  return tcp[1] as DockerHostScheme;
}
