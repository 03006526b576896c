import { Writable } from 'node:stream';
import { LogLevel } from '@slack/bolt';
import winston from 'winston';
import { boltLogger } from '../../../bot/adapters/slack/boltLogger';
import { ProgressThrottle } from '../../../bot/adapters/slack/progressThrottle';
import { unescapeCommandText, visibilityOf } from '../../../bot/adapters/slack/slackVisibility';
import { UserGroups, type SlackUserGroup } from '../../../bot/adapters/slack/userGroups';

/** A winston logger whose lines land in `lines`. */
function capturingLogger(): { logger: winston.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

describe('Slack user groups', () => {
  it('maps users to the IDs and handles of their groups, cached for a minute', async () => {
    let now = 0;
    let calls = 0;
    let groups: SlackUserGroup[] = [{ id: 'S1', handle: 'oncall', users: ['U1', 'U2'] }];
    const { logger } = capturingLogger();
    const cache = new UserGroups(
      async () => {
        calls += 1;
        return groups;
      },
      logger,
      60_000,
      () => now,
    );
    expect(await cache.of('U1')).toEqual(['S1', 'oncall']);
    expect(await cache.of('U3')).toEqual([]);
    groups = [{ id: 'S2', handle: 'ops', users: ['U3'] }];
    now = 59_999;
    expect(await cache.of('U3')).toEqual([]);
    now = 60_000;
    expect(await cache.of('U3')).toEqual(['S2', 'ops']);
    expect(calls).toBe(2);
  });

  it('denies by default when the groups cannot be read, and says so in the log', async () => {
    const { logger, lines } = capturingLogger();
    const cache = new UserGroups(async () => {
      throw new Error('An API error occurred: missing_scope');
    }, logger);
    expect(await cache.of('U1')).toEqual([]);
    expect(lines.join('')).toContain('slack user groups could not be read');
    expect(lines.join('')).toContain('missing_scope');
  });
});

describe('bolt logger', () => {
  it('never writes tokens or the signing secret', () => {
    const { logger, lines } = capturingLogger();
    const log = boltLogger(logger, ['signing-secret-1'], LogLevel.DEBUG);
    log.debug('calling with xoxb-1234-abcd and', { secret: 'signing-secret-1', app: 'xapp-1-A1-xyz' });
    log.warn('plain warning');
    const out = lines.join('');
    expect(out).not.toMatch(/xoxb-1234|signing-secret-1|xapp-1-A1/);
    expect(out).toContain('calling with <secret> and');
    expect(out).toContain('plain warning');
  });

  it('drops messages below its level', () => {
    const { logger, lines } = capturingLogger();
    const log = boltLogger(logger, []);
    log.info('chatty');
    log.debug('chattier');
    expect(lines).toEqual([]);
    expect(log.getLevel()).toBe(LogLevel.WARN);
  });
});

describe('progress throttle', () => {
  it('sends the first step at once, then at most one per interval (the newest), none after close', async () => {
    let now = 0;
    const sent: string[] = [];
    const throttle = new ProgressThrottle(
      async (step) => {
        sent.push(step);
      },
      1000,
      () => now,
    );
    jest.useFakeTimers();
    try {
      throttle.push('pulling');
      throttle.push('stopping');
      throttle.push('starting');
      await Promise.resolve();
      expect(sent).toEqual(['pulling']);
      now = 1000;
      jest.advanceTimersByTime(1000);
      await Promise.resolve();
      throttle.push('checking health');
      await throttle.close();
      expect(sent).toEqual(['pulling', 'starting']);
      expect(throttle.sent).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('Slack reply visibility', () => {
  it('answers help, inspect, audit and anything not ok privately', () => {
    expect(visibilityOf({ status: 'ok' }, 'ps --all')).toBe('in_channel');
    expect(visibilityOf({ status: 'ok' }, 'Inspect web')).toBe('ephemeral');
    expect(visibilityOf({ status: 'ok' }, '  ')).toBe('ephemeral');
    expect(visibilityOf({ status: 'denied' }, 'ps')).toBe('ephemeral');
  });

  it('reads slash command text as typed (Slack sends &, < and > as entities)', () => {
    expect(unescapeCommandText('logs web --grep "a&gt;b &amp;&amp; c&lt;d"')).toBe('logs web --grep "a>b && c<d"');
  });
});
