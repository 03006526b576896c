import { hostPlatform } from '../../../agent/registry/hostPlatform';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  parseManifest,
  selectPlatform,
  type IndexEntry,
} from '../../../agent/registry/manifests';
import { RegistryEndpoints } from '../../../agent/registry/registryEndpoint';
import { RegistryTokens } from '../../../agent/registry/registryTokens';
import { parseWwwAuthenticate } from '../../../agent/registry/wwwAuthenticate';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('parseWwwAuthenticate', () => {
  it("reads Docker Hub's Bearer challenge", () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ]);
  });

  it('reads Basic, token values, spaces, escaped quotes, commas inside quotes and several challenges', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
    expect(
      parseWwwAuthenticate(
        'Basic realm="a, \\"b\\"", Bearer realm=https://t.example/token , service=reg, scope="repository:x:pull,push" ,error=insufficient_scope',
      ),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'a, "b"' } },
      {
        scheme: 'bearer',
        params: {
          realm: 'https://t.example/token',
          service: 'reg',
          scope: 'repository:x:pull,push',
          error: 'insufficient_scope',
        },
      },
    ]);
    expect(parseWwwAuthenticate('Negotiate abc123==, Basic realm=x')).toEqual([
      { scheme: 'negotiate', params: { '': 'abc123==' } },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
    expect(parseWwwAuthenticate('BEARER REALM="r"')).toEqual([{ scheme: 'bearer', params: { realm: 'r' } }]);
  });

  it('returns what it read before a malformed part, and nothing for an empty header', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: {} }]);
  });
});

describe('manifests and platform selection', () => {
  const index: IndexEntry[] = [
    { digest: d('a'), platform: { os: 'linux', architecture: 'amd64' } },
    { digest: d('b'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { digest: d('c'), platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { digest: d('e'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { digest: d('f'), platform: { os: 'unknown', architecture: 'unknown' } },
    { digest: d('0'), platform: { os: 'windows', architecture: 'amd64' } },
  ];

  it('picks the entry of the host platform, matching variants and aliases', () => {
    expect(selectPlatform(index, { os: 'linux', architecture: 'amd64' })?.digest).toBe(d('a'));
    expect(selectPlatform(index, { os: 'linux', architecture: 'x86_64' })?.digest).toBe(d('a'));
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm64' })?.digest).toBe(d('b'));
    expect(selectPlatform(index, { os: 'linux', architecture: 'aarch64', variant: 'v8' })?.digest).toBe(d('b'));
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest).toBe(d('e'));
    expect(selectPlatform(index, { os: 'windows', architecture: 'amd64' })?.digest).toBe(d('0'));
    expect(selectPlatform(index, { os: 'linux', architecture: 's390x' })).toBeUndefined();
  });

  it('takes an arm64 entry without a variant for a v8 host, and none without a platform', () => {
    const plain = [{ digest: d('9'), platform: { os: 'linux', architecture: 'arm64' } }];
    expect(selectPlatform(plain, { os: 'linux', architecture: 'arm64', variant: 'v8' })?.digest).toBe(d('9'));
    expect(selectPlatform([{ digest: d('1') }], { os: 'linux', architecture: 'amd64' })).toBeUndefined();
  });

  it('parses images and indexes by Content-Type or mediaType, and names what it cannot read', () => {
    const image = JSON.stringify({ schemaVersion: 2, config: { digest: d('c') }, layers: [] });
    expect(parseManifest(image, `${DOCKER_MANIFEST}; charset=utf-8`)).toEqual({ kind: 'image', configDigest: d('c') });
    expect(parseManifest(JSON.stringify({ mediaType: DOCKER_MANIFEST_LIST, manifests: [] }), undefined)).toEqual({
      kind: 'index',
      manifests: [],
    });
    const oci = JSON.stringify({
      manifests: [{ digest: d('a'), platform: { os: 'linux', architecture: 'amd64' } }, { digest: 'x' }],
    });
    expect(parseManifest(oci, OCI_INDEX)).toEqual({
      kind: 'index',
      manifests: [{ digest: d('a'), platform: { os: 'linux', architecture: 'amd64' } }],
    });
    expect(() => parseManifest('{', DOCKER_MANIFEST)).toThrow('the manifest is not JSON');
    expect(() => parseManifest('{}', 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toThrow(
      'unsupported manifest type',
    );
    expect(() => parseManifest('{"config":{}}', DOCKER_MANIFEST)).toThrow('has no sha256 config digest');
  });

  it("reads the host platform from the engine's version and info", () => {
    expect(hostPlatform({ Os: 'linux', Arch: 'amd64' }, { Architecture: 'x86_64' })).toEqual({
      os: 'linux',
      architecture: 'amd64',
    });
    expect(hostPlatform({ Os: 'linux', Arch: 'arm' }, { Architecture: 'armv7l' })).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(hostPlatform({ Os: 'linux', Arch: 'arm64' }, { Architecture: 'aarch64' })).toMatchObject({ variant: 'v8' });
  });
});

describe('RegistryEndpoints', () => {
  it('uses plain http for loopback and the engine-listed insecure registries, https otherwise', () => {
    const e = new RegistryEndpoints({
      InsecureRegistryCIDRs: ['127.0.0.0/8', '10.1.0.0/16'],
      IndexConfigs: { 'docker.io': { Secure: true }, 'reg.lan:5000': { Secure: false } },
    });
    expect(e.endpoint('127.0.0.1:5000').baseUrl).toBe('http://127.0.0.1:5000');
    expect(e.endpoint('localhost:5000').baseUrl).toBe('http://localhost:5000');
    expect(e.endpoint('[::1]:5000').baseUrl).toBe('http://[::1]:5000');
    expect(e.endpoint('10.1.2.3:5000').baseUrl).toBe('http://10.1.2.3:5000');
    expect(e.endpoint('reg.lan:5000').baseUrl).toBe('http://reg.lan:5000');
    expect(e.endpoint('10.2.0.1').baseUrl).toBe('https://10.2.0.1');
    expect(e.endpoint('ghcr.io').baseUrl).toBe('https://ghcr.io');
    expect(e.endpoint('docker.io').baseUrl).toBe('https://registry-1.docker.io');
  });
});

describe('RegistryTokens', () => {
  it('keeps a token until it expires (less a margin) on the injected clock, 60 s without expires_in', () => {
    let now = 0;
    const tokens = new RegistryTokens(() => now);
    tokens.set('a', 'tok-a', 300);
    tokens.set('b', 'tok-b');
    now = 54_000;
    expect([tokens.get('a'), tokens.get('b')]).toEqual(['tok-a', 'tok-b']);
    now = 55_000;
    expect(tokens.get('b')).toBeUndefined();
    now = 294_999;
    expect(tokens.get('a')).toBe('tok-a');
    now = 295_000;
    expect(tokens.get('a')).toBeUndefined();
    tokens.set('c', 'too-short', 3);
    expect(tokens.get('c')).toBeUndefined();
  });
});
