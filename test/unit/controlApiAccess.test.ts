import { accessPolicy, hostName } from '../../api/controlApiAccess';

const TOKEN = 's3cret-token-with-some-length';
const local = { remoteAddress: '127.0.0.1', host: '127.0.0.1:9417' };

describe('access with agent.token set', () => {
  const check = accessPolicy(TOKEN);

  it('lets in the right bearer token, from anywhere, the scheme in any case', () => {
    expect(check({ remoteAddress: '10.1.2.3', host: 'agent-a:9417', authorization: `Bearer ${TOKEN}` })).toEqual({
      allowed: true,
    });
    expect(check({ ...local, authorization: `bearer ${TOKEN}` })).toEqual({ allowed: true });
  });

  it.each([
    [undefined, 'this request needs an Authorization: Bearer <token> header (agent.token)'],
    [`Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, 'the Authorization header is not "Bearer <token>"'],
    ['Bearer', 'the Authorization header is not "Bearer <token>"'],
    [`Bearer ${TOKEN}x`, 'the bearer token is wrong'],
    [`Bearer ${TOKEN.slice(0, -1)}`, 'the bearer token is wrong'],
    ['Bearer x', 'the bearer token is wrong'],
  ])('refuses %p with 401 and a Bearer challenge, also from loopback', (authorization, error) => {
    expect(check({ ...local, authorization })).toEqual({
      allowed: false,
      status: 401,
      error,
      headers: { 'www-authenticate': 'Bearer realm="dockwatch"' },
    });
  });

  it('never puts the token, right or wrong, into a refusal', () => {
    const wrong = check({ ...local, authorization: `Bearer not-${TOKEN}` });
    expect(JSON.stringify(wrong)).not.toContain(TOKEN);
  });
});

describe('access without agent.token', () => {
  const check = accessPolicy(undefined);

  it.each([
    ['127.0.0.1', '127.0.0.1:9417'],
    ['127.0.0.1', 'localhost:9417'],
    ['127.0.0.1', 'LOCALHOST'],
    ['::1', '[::1]:9417'],
    ['::ffff:127.0.0.1', '127.0.0.1:9417'],
  ])('answers loopback peer %s asking for %s', (remoteAddress, host) => {
    expect(check({ remoteAddress, host, authorization: undefined })).toEqual({ allowed: true });
  });

  it('refuses a peer that is not on loopback', () => {
    expect(check({ remoteAddress: '192.168.1.9', host: '127.0.0.1:9417', authorization: undefined })).toEqual({
      allowed: false,
      status: 403,
      error: 'without agent.token the control API answers loopback clients only',
      headers: {},
    });
  });

  it.each([
    ['evil.example:9417', 'Host "evil.example:9417"'],
    ['10.0.0.1:9417', 'Host "10.0.0.1:9417"'],
    [undefined, 'no Host header'],
  ])('refuses a loopback request for host %p (a DNS-rebinding page)', (host, got) => {
    expect(check({ remoteAddress: '127.0.0.1', host, authorization: undefined })).toEqual({
      allowed: false,
      status: 403,
      error: `without agent.token the control API answers requests to a loopback host only, got ${got}`,
      headers: {},
    });
  });

  it('ignores an Authorization header it has no token to compare with', () => {
    expect(check({ ...local, authorization: 'Bearer anything' })).toEqual({ allowed: true });
  });
});

describe('hostName', () => {
  it.each([
    ['localhost:9417', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]:9417', '::1'],
    ['[::1]', '::1'],
    ['a:b:c', undefined],
  ])('reads %p as %p', (header, name) => {
    expect(hostName(header)).toBe(name);
  });
});
