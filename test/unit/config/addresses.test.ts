import { dockerHostScheme } from '../../../config/dockerHost';
import { isLoopbackHost, parseHostPort } from '../../../config/hostPort';
import { closestMatch } from '../../../config/suggest';

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:9417', { host: '127.0.0.1', port: 9417 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
    ['agent-1.example.com:9417', { host: 'agent-1.example.com', port: 9417 }],
    ['[::1]:9417', { host: '::1', port: 9417 }],
    ['[::]:65535', { host: '::', port: 65535 }],
  ])('%s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it.each(['nope', '9417', ':9417', '::1:9417', '[::1]', '[nope]:1', 'host:65536', 'host:-1', 'a b:1', 'host:12a'])(
    '%p is not HOST:PORT',
    (text) => {
      expect(parseHostPort(text)).toBeUndefined();
    },
  );
});

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'agent.local', '128.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('dockerHostScheme', () => {
  it.each([
    ['unix:///var/run/docker.sock', 'unix'],
    ['tcp://10.0.0.5:2375', 'tcp'],
    ['tcp://[::1]:2375/', 'tcp'],
    ['http://docker:2375', 'http'],
    ['https://docker:2376', 'https'],
  ])('%s is %s', (url, scheme) => {
    expect(dockerHostScheme(url)).toBe(scheme);
  });

  it.each([
    '/var/run/docker.sock',
    'unix://docker.sock',
    'unix://',
    'tcp://docker',
    'ssh://me@host',
    'npipe:////./pipe/docker_engine',
  ])('%p is not a docker host', (url) => {
    expect(dockerHostScheme(url)).toBeUndefined();
  });
});

describe('closestMatch', () => {
  it('suggests near misses only', () => {
    expect(closestMatch('colector', ['interval', 'collector'])).toBe('collector');
    expect(closestMatch('intreval', ['interval', 'collector'])).toBe('interval');
    expect(closestMatch('alerts', ['docker', 'agent', 'stats'])).toBeUndefined();
  });
});
