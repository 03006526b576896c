import { parsePressure } from '../../../agent/stats/pressureParser';

describe('parsePressure', () => {
  it('takes the some and full totals in microseconds', () => {
    const text =
      'some avg10=0.12 avg60=0.05 avg300=0.01 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=789\n';
    expect(parsePressure(text)).toEqual({ someUs: 123456, fullUs: 789 });
  });

  it('counts a missing full line as 0 and is undefined without a some line or a file', () => {
    expect(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n')).toEqual({ someUs: 5, fullUs: 0 });
    expect(parsePressure('full avg10=0.00 avg60=0.00 avg300=0.00 total=5\n')).toBeUndefined();
    expect(parsePressure(undefined)).toBeUndefined();
  });
});
