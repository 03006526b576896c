import { ctlWords } from '../../../bot/adapters/ctlWords';

describe('ctlWords', () => {
  it('puts back the -- that commander drops, so everything after it is the exec command', () => {
    const raw = ['ctl', '--as', 'alice', 'exec', 'web', '--', 'ps', '--as', 'bob'];
    expect(ctlWords(['exec', 'web', 'ps', '--as', 'bob'], raw)).toEqual(['exec', 'web', '--', 'ps', '--as', 'bob']);
    const twice = ['-c', 'x.yaml', 'ctl', '--as', 'a', '--yes', 'exec', 'web', '--', '--', 'ps'];
    expect(ctlWords(['exec', 'web', '--', 'ps'], twice)).toEqual(['exec', 'web', '--', '--', 'ps']);
  });

  it('leaves words alone without a --, or when it only ended ctl options', () => {
    expect(ctlWords(['logs', 'web', '--tail', '5'], ['ctl', '--as', 'a', 'logs', 'web', '--tail', '5'])).toEqual([
      'logs',
      'web',
      '--tail',
      '5',
    ]);
    expect(ctlWords(['ps'], ['ctl', '--as', 'a', '--', 'ps'])).toEqual(['ps']);
  });
});
