import { isWatched, matchesSelector } from '../../../config/containerSelector';
import { defaultConfig } from '../../../config/schema';

const web = { name: 'web-1', labels: { 'com.docker.compose.project': 'shop', tier: 'frontend' } };

describe('matchesSelector', () => {
  it('matches names by glob, any of them', () => {
    expect(matchesSelector(web, { names: ['api-*', 'web-*'] })).toBe(true);
    expect(matchesSelector(web, { names: ['api-*'] })).toBe(false);
  });

  it('needs every label to match, by value or glob', () => {
    expect(matchesSelector(web, { labels: { tier: 'frontend' } })).toBe(true);
    expect(matchesSelector(web, { labels: { tier: 'front*', 'com.docker.compose.project': 'shop' } })).toBe(true);
    expect(matchesSelector(web, { labels: { tier: 'frontend', 'com.docker.compose.project': 'blog' } })).toBe(false);
  });

  it('never matches a missing label, even with *', () => {
    expect(matchesSelector(web, { labels: { owner: '*' } })).toBe(false);
    expect(matchesSelector({ name: 'x', labels: { owner: '' } }, { labels: { owner: '*' } })).toBe(true);
  });

  it('needs both names and labels when both are given', () => {
    expect(matchesSelector(web, { names: ['web-*'], labels: { tier: 'frontend' } })).toBe(true);
    expect(matchesSelector(web, { names: ['web-*'], labels: { tier: 'backend' } })).toBe(false);
    expect(matchesSelector(web, { names: ['api-*'], labels: { tier: 'frontend' } })).toBe(false);
  });

  it('matches nothing with an empty selector; an empty list or map constrains nothing', () => {
    expect(matchesSelector(web, {})).toBe(false);
    expect(matchesSelector(web, { names: [], labels: {} })).toBe(false);
    expect(matchesSelector(web, { names: [], labels: { tier: 'frontend' } })).toBe(true);
  });
});

describe('isWatched', () => {
  const { containers } = defaultConfig();

  it('by default watches everything but containers labelled dockwatch.ignore=true', () => {
    expect(isWatched(web, containers)).toBe(true);
    expect(isWatched({ name: 'x', labels: { 'dockwatch.ignore': 'true' } }, containers)).toBe(false);
    expect(isWatched({ name: 'x', labels: { 'dockwatch.ignore': 'false' } }, containers)).toBe(true);
  });

  it('excludes win over includes', () => {
    const sel = { include: { names: ['web-*'] }, exclude: { names: ['web-1'] } };
    expect(isWatched(web, sel)).toBe(false);
    expect(isWatched({ ...web, name: 'web-2' }, sel)).toBe(true);
    expect(isWatched({ ...web, name: 'api-1' }, sel)).toBe(false);
  });
});
