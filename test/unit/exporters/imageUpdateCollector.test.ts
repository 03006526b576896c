import { UpdateResults } from '../../../agent/images/updateResults';
import { imageUpdateFamilies } from '../../../exporters/imageUpdateCollector';

describe('imageUpdateFamilies', () => {
  it('one 0/1 series per checked running container, and the counters, read from the cached results', () => {
    const results = new UpdateResults();
    results.set({
      containerId: 'a',
      name: 'web',
      image: 'reg/app:latest',
      available: true,
      digest: 'sha256:1',
      checkedAt: 1,
    });
    results.set({ containerId: 'b', name: 'api', image: 'reg/api:v1', available: false, checkedAt: 1 });
    results.set({ containerId: 'c', name: 'gone', image: 'reg/app:latest', available: true, checkedAt: 1 });
    results.checks.update = 2;
    results.checks.deferred = 1;
    results.countRequests('reg', 7);
    results.rounds = 3;
    const families = imageUpdateFamilies({ results, isRunning: (id) => id !== 'c' });
    const byName = Object.fromEntries(families.map((f) => [f.name, f.collect()]));
    expect(byName.dockwatch_image_update_available).toEqual([
      { value: 1, labels: { name: 'web', image: 'reg/app:latest' } },
      { value: 0, labels: { name: 'api', image: 'reg/api:v1' } },
    ]);
    expect(byName.dockwatch_image_update_checks_total).toEqual(
      expect.arrayContaining([
        { value: 2, labels: { result: 'update' } },
        { value: 1, labels: { result: 'deferred' } },
        { value: 0, labels: { result: 'error' } },
      ]),
    );
    expect(byName.dockwatch_image_update_registry_requests_total).toEqual([{ value: 7, labels: { registry: 'reg' } }]);
    expect(byName.dockwatch_image_update_rounds_total).toEqual([{ value: 3 }]);
    expect(families.every((f) => f.type === (f.name.endsWith('_total') ? 'counter' : 'gauge'))).toBe(true);
    expect(imageUpdateFamilies(undefined)).toEqual([]);
  });
});
