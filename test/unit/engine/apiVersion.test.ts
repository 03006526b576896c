import { CLIENT_MAX_API_VERSION, compareApiVersions, negotiateApiVersion } from '../../../agent/engine/apiVersion';

describe('API version negotiation', () => {
  it('speaks an older engine at its own version (Debian 20.10 is 1.41)', () => {
    expect(negotiateApiVersion('1.41', '1.12')).toBe('1.41');
  });

  it('caps a newer engine at the newest version this client knows', () => {
    expect(negotiateApiVersion('1.99', '1.44')).toBe(CLIENT_MAX_API_VERSION);
  });

  it('never goes below the engine minimum (Docker 29 refuses < 1.44)', () => {
    expect(negotiateApiVersion('1.60', '1.55')).toBe('1.55');
  });

  it('compares numerically, not as strings', () => {
    expect(compareApiVersions('1.9', '1.41')).toBeLessThan(0);
    expect(compareApiVersions('1.41', '1.41')).toBe(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
  });
});
