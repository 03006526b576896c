import { isLocalEndpoint, parseDockerHost } from '../../../agent/engine/dockerHost';

describe('docker host parsing', () => {
  it('reads unix sockets', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
    });
  });

  it('reads tcp, https and IPv6 addresses', () => {
    expect(parseDockerHost('tcp://10.0.0.5:2375')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false });
    expect(parseDockerHost('https://docker.example:2376')).toMatchObject({ tls: true, port: 2376 });
    expect(parseDockerHost('tcp://[::1]:2375')).toMatchObject({ host: '::1', port: 2375 });
    expect(parseDockerHost('tcp://h:2376', { ca: '/ca.pem' })).toMatchObject({ tls: true });
  });

  it('names the bad value', () => {
    expect(() => parseDockerHost('ftp://x:1')).toThrow('docker host "ftp://x:1" must start with unix://');
    expect(() => parseDockerHost('tcp://nohost')).toThrow('docker host "tcp://nohost" must be HOST:PORT');
  });

  it('treats sockets and loopback as local (cgroup files readable)', () => {
    expect(isLocalEndpoint(parseDockerHost('unix:///x.sock'))).toBe(true);
    expect(isLocalEndpoint(parseDockerHost('tcp://127.0.0.1:2375'))).toBe(true);
    expect(isLocalEndpoint(parseDockerHost('tcp://10.1.1.1:2375'))).toBe(false);
  });
});
