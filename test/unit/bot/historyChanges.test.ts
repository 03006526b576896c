import { describeChanges } from '../../../bot/commands/history';

describe('history tells image changes from config-only ones', () => {
  it.each([
    [['Image'], false, 'new image'],
    [['Image', 'Config.Env'], false, 'new image, Config.Env'],
    [['Networks.b'], false, 'config: Networks.b'],
    [['Config.Env', 'HostConfig.Memory'], false, 'config: Config.Env, HostConfig.Memory'],
    [[], true, '-'],
    [[], false, 'none'],
  ])('%j', (changes, oldest, text) => {
    expect(describeChanges(changes, oldest)).toBe(text);
  });
});
