import { perScrape } from '../../../exporters/perScrape';

describe('perScrape', () => {
  it('reads once for the families of one scrape and again for the next scrape', () => {
    let t = 0;
    let reads = 0;
    const value = perScrape(
      () => ++reads,
      250,
      () => t,
    );
    expect([value(), value(), value()]).toEqual([1, 1, 1]);
    t = 250;
    expect(value()).toBe(2);
  });
});
