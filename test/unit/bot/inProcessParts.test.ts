import { containerDetails } from '../../../api/containerDetails';
import { splitLogLines } from '../../../api/logLines';
import { redactEnv } from '../../../bot/core/redactEnv';
import type Docker from 'dockerode';

function frame(stream: 1 | 2, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

describe('log lines of a finished read', () => {
  it('demultiplexes, splits lines, moves timestamps aside and greps', () => {
    const body = Buffer.concat([
      frame(1, '2026-01-01T00:00:00.123456789Z hello\n'),
      frame(2, '2026-01-01T00:00:01.000000000Z ERROR bad\n'),
      frame(1, '2026-01-01T00:00:02.000000000Z no newline'),
    ]);
    expect(splitLogLines(body, false)).toEqual([
      { stream: 'stdout', time: '2026-01-01T00:00:00.123456789Z', text: 'hello' },
      { stream: 'stderr', time: '2026-01-01T00:00:01.000000000Z', text: 'ERROR bad' },
      { stream: 'stdout', time: '2026-01-01T00:00:02.000000000Z', text: 'no newline' },
    ]);
    expect(splitLogLines(body, false, /ERROR/).map((l) => l.text)).toEqual(['ERROR bad']);
  });

  it('reads a TTY container raw', () => {
    expect(splitLogLines(Buffer.from('a\r\nb\r\n'), true).map((l) => l.text)).toEqual(['a', 'b']);
  });
});

describe('env redaction', () => {
  const env = ['PATH=/bin', 'DB_PASSWORD=hunter2', 'API_TOKEN=t', 'AWS_SECRET_ACCESS_KEY=k', 'AUTH=x', 'MODE=prod'];

  it('hides values of secret-looking keys unless the role may see secrets', () => {
    expect(redactEnv(env, false)).toEqual([
      'PATH=/bin',
      'DB_PASSWORD=<redacted>',
      'API_TOKEN=<redacted>',
      'AWS_SECRET_ACCESS_KEY=<redacted>',
      'AUTH=<redacted>',
      'MODE=prod',
    ]);
    expect(redactEnv(env, true)).toEqual(env);
  });
});

describe('container details', () => {
  it('shows ports, mounts, networks and the restart policy', () => {
    const info = {
      Id: 'abc',
      Name: '/web',
      Image: 'sha256:ff',
      Created: '2026-01-01T00:00:00Z',
      RestartCount: 2,
      State: { Status: 'running', Running: true, StartedAt: '2026-01-01T00:00:01Z' },
      Config: { Image: 'app:1', Cmd: ['sh'], Entrypoint: null, Env: ['A=1'], Labels: { x: 'y' } },
      HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } },
      NetworkSettings: {
        Ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '443/tcp': null },
        Networks: { bridge: {} },
      },
      Mounts: [{ Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', RW: true }],
    } as unknown as Docker.ContainerInspectInfo;
    expect(containerDetails(info)).toMatchObject({
      name: 'web',
      image: 'app:1',
      health: 'none',
      ports: ['127.0.0.1:8080->80/tcp', '443/tcp'],
      mounts: ['data:/data'],
      networks: ['bridge'],
      entrypoint: [],
      restartPolicy: 'on-failure:3',
    });
  });
});
