import { matchRoute } from '../../api/controlApiRoutes';
import { isControlApiPath } from '../../exporters/metricsServer';

describe('matchRoute', () => {
  it.each([
    ['GET', '/api/v1/alerts', 'listAlerts'],
    ['GET', '/api/v1/silences', 'listSilences'],
    ['POST', '/api/v1/silences', 'addSilence'],
    ['POST', '/api/v1/maintenance', 'addMaintenance'],
    ['GET', '/api/v1/host', 'host'],
  ])('%s %s is %s', (method, path, name) => {
    expect(matchRoute(method, path)).toEqual({ kind: 'found', name, params: {} });
  });

  it('takes the silence id from the path, percent-decoded', () => {
    expect(matchRoute('DELETE', '/api/v1/silences/config-1')).toEqual({
      kind: 'found',
      name: 'removeSilence',
      params: { id: 'config-1' },
    });
    expect(matchRoute('DELETE', '/api/v1/silences/a%20b')).toMatchObject({ params: { id: 'a b' } });
  });

  it('lists the methods a known path allows', () => {
    expect(matchRoute('PUT', '/api/v1/silences')).toEqual({ kind: 'wrong-method', allow: ['GET', 'POST'] });
    expect(matchRoute('GET', '/api/v1/maintenance')).toEqual({ kind: 'wrong-method', allow: ['POST'] });
    expect(matchRoute('GET', '/api/v1/silences/abc')).toEqual({ kind: 'wrong-method', allow: ['DELETE'] });
    expect(matchRoute('HEAD', '/api/v1/alerts')).toEqual({ kind: 'wrong-method', allow: ['GET'] });
  });

  it.each(['/api/v1/alert', '/api/v1/alerts/', '/api/v2/alerts', '/api/v1/silences/', '/api/v1/silences/%E0%A4%A'])(
    'knows no %s',
    (path) => {
      expect(matchRoute('GET', path)).toEqual({ kind: 'not-found' });
    },
  );
});

describe('isControlApiPath', () => {
  it('claims /api and everything under it, nothing else', () => {
    expect(['/api', '/api/', '/api/v1/host', '/api/anything'].every(isControlApiPath)).toBe(true);
    expect(['/', '/metrics', '/apis', '/healthz'].some(isControlApiPath)).toBe(false);
  });
});
