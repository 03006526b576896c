import {
  formatImageRef,
  ImageRefError,
  imageName,
  isValidImageRef,
  parseImageRef,
  type ImageRef,
} from '../../../agent/registry/imageRef';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  it.each<[string, ImageRef]>([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest', familiar: 'nginx:latest' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27', familiar: 'nginx:1.27' }],
    ['library/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest', familiar: 'nginx:latest' }],
    [
      'docker.io/nginx',
      { registry: 'docker.io', repository: 'library/nginx', tag: 'latest', familiar: 'nginx:latest' },
    ],
    ['index.docker.io/nginx:1', { registry: 'docker.io', repository: 'library/nginx', tag: '1', familiar: 'nginx:1' }],
    [
      'INDEX.docker.io/org/app',
      { registry: 'docker.io', repository: 'org/app', tag: 'latest', familiar: 'org/app:latest' },
    ],
    ['org/app:v2', { registry: 'docker.io', repository: 'org/app', tag: 'v2', familiar: 'org/app:v2' }],
    [
      'docker.io/library/a/b',
      { registry: 'docker.io', repository: 'library/a/b', tag: 'latest', familiar: 'library/a/b:latest' },
    ],
    [
      'ghcr.io/org/team/app:1.0.0-rc.1',
      {
        registry: 'ghcr.io',
        repository: 'org/team/app',
        tag: '1.0.0-rc.1',
        familiar: 'ghcr.io/org/team/app:1.0.0-rc.1',
      },
    ],
    [
      '127.0.0.1:5000/app:v1',
      { registry: '127.0.0.1:5000', repository: 'app', tag: 'v1', familiar: '127.0.0.1:5000/app:v1' },
    ],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest', familiar: 'localhost/app:latest' }],
    [
      'localhost:5000/a/b:t',
      { registry: 'localhost:5000', repository: 'a/b', tag: 't', familiar: 'localhost:5000/a/b:t' },
    ],
    [
      'registry:5000/app',
      { registry: 'registry:5000', repository: 'app', tag: 'latest', familiar: 'registry:5000/app:latest' },
    ],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1', familiar: '[::1]:5000/app:v1' }],
    [
      'Example.COM/app',
      { registry: 'Example.COM', repository: 'app', tag: 'latest', familiar: 'Example.COM/app:latest' },
    ],
    [`nginx@${D}`, { registry: 'docker.io', repository: 'library/nginx', digest: D, familiar: `nginx@${D}` }],
    [
      `nginx:1.27@${D}`,
      { registry: 'docker.io', repository: 'library/nginx', tag: '1.27', digest: D, familiar: `nginx:1.27@${D}` },
    ],
    [
      `127.0.0.1:5000/app@${D}`,
      { registry: '127.0.0.1:5000', repository: 'app', digest: D, familiar: `127.0.0.1:5000/app@${D}` },
    ],
    [
      'a/b__c.d-e--f_g:_tag.-x',
      { registry: 'docker.io', repository: 'a/b__c.d-e--f_g', tag: '_tag.-x', familiar: 'a/b__c.d-e--f_g:_tag.-x' },
    ],
    [
      `app:${'t'.repeat(128)}`,
      { registry: 'docker.io', repository: 'library/app', tag: 't'.repeat(128), familiar: `app:${'t'.repeat(128)}` },
    ],
    [
      `app@sha512:${'0'.repeat(128)}`,
      {
        registry: 'docker.io',
        repository: 'library/app',
        digest: `sha512:${'0'.repeat(128)}`,
        familiar: `app@sha512:${'0'.repeat(128)}`,
      },
    ],
  ])('%s', (text, expected) => {
    expect(parseImageRef(text)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['', /is empty/],
    ['Nginx', /must be lowercase/],
    ['org/App', /must be lowercase/],
    ['nginx:', /tag after ":" is empty/],
    ['nginx:.bad', /tag ".bad" is not valid/],
    ['nginx:-bad', /tag "-bad" is not valid/],
    [`nginx:${'t'.repeat(129)}`, /is not valid/],
    ['nginx:a/b', /registry "nginx:a" is not valid: the port/],
    [':tag', /repository name is empty/],
    ['/app', /empty component|not valid/],
    ['org//app', /empty component/],
    ['org/app/', /empty component/],
    ['-app', /not a valid repository path component/],
    ['app-', /not a valid repository path component/],
    ['a...b', /not a valid repository path component/],
    ['a___b', /not a valid repository path component/],
    ['a b', /white space/],
    ['nginx\n', /white space/],
    ['nginx@', /not ALGORITHM:HEX/],
    ['nginx@sha256:abc', /not ALGORITHM:HEX/],
    [`nginx@sha256:${'a'.repeat(63)}`, /has 64 hex digits, not 63/],
    [`nginx@sha256:${'a'.repeat(65)}`, /has 64 hex digits, not 65/],
    [`nginx@sha256:${'A'.repeat(64)}`, /lowercase hex/],
    [`nginx@md5:${'a'.repeat(32)}`, /"md5" is not supported/],
    [`nginx@${D}@${D}`, /not ALGORITHM:HEX/],
    ['a'.repeat(64), /hexadecimal image ID/],
    ['host:99999/app', /port must be 0-65535/],
    ['host:port/app', /port must be 0-65535/],
    ['-host.io/app', /registry "-host.io" is not valid/],
    ['host..io/app', /registry "host..io" is not valid/],
    ['[zz]:5000/app', /not an IPv6 address/],
    [`${'a'.repeat(256)}`, /longer than 255/],
    ['a'.repeat(250), /full name docker.io\/library\/a+ is longer than 255/],
    ['x'.repeat(2000), /longer than 1024/],
  ])('rejects %p', (text, message) => {
    expect(() => parseImageRef(text)).toThrow(ImageRefError);
    expect(() => parseImageRef(text)).toThrow(message);
  });

  it('names the bad reference in the error', () => {
    expect(() => parseImageRef('Bad/App:1')).toThrow(
      'invalid image reference "Bad/App:1": the repository name must be lowercase',
    );
  });

  it('keeps the error message short for a huge reference', () => {
    const error = (() => {
      try {
        parseImageRef('x'.repeat(5000));
      } catch (e) {
        return e as ImageRefError;
      }
      throw new Error('parsed');
    })();
    expect(error.message.length).toBeLessThan(400);
    expect(error.ref).toHaveLength(5000);
  });
});

describe('formatImageRef', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/org/app:1', 'docker.io/org/app:1'],
    ['127.0.0.1:5000/app:v1', '127.0.0.1:5000/app:v1'],
    [`app:v1@${D}`, `docker.io/library/app:v1@${D}`],
    [`app@${D}`, `docker.io/library/app@${D}`],
  ])('%s → %s', (text, full) => {
    expect(formatImageRef(parseImageRef(text))).toBe(full);
    expect(formatImageRef(parseImageRef(full))).toBe(full);
  });

  it('imageName leaves out tag and digest', () => {
    expect(imageName(parseImageRef(`nginx:1@${D}`))).toBe('docker.io/library/nginx');
  });

  it('isValidImageRef', () => {
    expect(isValidImageRef('nginx:1')).toBe(true);
    expect(isValidImageRef('nginx;rm -rf')).toBe(false);
  });
});
