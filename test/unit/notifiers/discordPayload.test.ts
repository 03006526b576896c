import { DISCORD_COLOURS, renderDiscord } from '../../../alerts/notifiers/discordPayload';
import { expectedPayload } from './expectedPayload';
import { discordViolations, fenceCount } from './platformLimits';
import { T0, alertNotification, crashedNotification, digest, logAlert } from './sampleNotifications';

describe('renderDiscord', () => {
  it('renders a firing log alert as one embed: severity colour, fields, the lines in a code block', () => {
    const payload = renderDiscord(alertNotification([logAlert()]), { mention: '<@&123456>', username: 'dockwatch' });
    expect(payload).toEqual(expectedPayload('discord-log-alert', payload));
    expect(payload.embeds[0]?.color).toBe(DISCORD_COLOURS.warning);
  });

  it('renders a resolved alert green, titled "Resolved: …", at its resolution time', () => {
    const alert = logAlert({ state: 'resolved', resolvedAt: T0 + 300_000 });
    const [embed] = renderDiscord(alertNotification([alert], { status: 'resolved' })).embeds;
    expect(embed?.title).toBe('Resolved: app-errors');
    expect(embed?.color).toBe(DISCORD_COLOURS.resolved);
    expect(embed?.timestamp).toBe('2026-05-04T09:05:00.000Z');
  });

  it('puts several alerts of one rule in one message with the count in the title', () => {
    const payload = renderDiscord(crashedNotification(3));
    expect(payload).toEqual(expectedPayload('discord-three-crashed', payload));
    expect(payload.embeds.map((e) => e.title)).toEqual(['3 alerts: crashed', 'web-2', 'web-3']);
  });

  it('renders a digest with one field per section', () => {
    const payload = renderDiscord(digest());
    expect(payload).toEqual(expectedPayload('discord-digest', payload));
  });

  it('cuts a 10,000-character log line to fit and still closes the code block', () => {
    const line = `ERROR ${'x'.repeat(10_000)}`;
    const payload = renderDiscord(alertNotification([logAlert({ lines: [line] })]));
    expect(discordViolations(payload)).toEqual([]);
    const description = payload.embeds[0]?.description ?? '';
    expect(description.length).toBeGreaterThan(3000);
    expect(description).toMatch(/ERROR x+…\n```$/);
  });

  it('sends 40 alerts as one message: as many embeds as fit, then "… and N more"', () => {
    const payload = renderDiscord(crashedNotification(40));
    expect(discordViolations(payload)).toEqual([]);
    expect(payload.embeds).toHaveLength(10);
    expect(payload.embeds[0]?.title).toBe('40 alerts: crashed');
    expect(payload.embeds[9]?.footer.text).toBe('dockwatch · host-a · … and 30 more alerts');
  });

  it('counts alerts the engine left out of the list in "… and N more"', () => {
    const payload = renderDiscord(crashedNotification(2, { count: 250 }));
    expect(payload.embeds[0]?.title).toBe('250 alerts: crashed');
    expect(payload.embeds[1]?.footer.text).toMatch(/… and 248 more alerts$/);
  });

  it('stays within every limit when each of 40 alerts carries long lines, labels and annotations', () => {
    const alerts = Array.from({ length: 40 }, (_, i) =>
      logAlert({
        key: `k${i}`,
        labels: {
          container: `c-${i}-${'n'.repeat(300)}`,
          ...Object.fromEntries([...Array(30)].map((_, j) => [`l${j}`, 'v'.repeat(80)])),
        },
        annotations: { summary: 's'.repeat(5000), description: 'd'.repeat(5000) },
        lines: Array.from({ length: 20 }, () => 'x'.repeat(2000)),
      }),
    );
    const payload = renderDiscord(alertNotification(alerts, { rule: 'r'.repeat(400) }), { mention: 'm'.repeat(3000) });
    expect(discordViolations(payload)).toEqual([]);
    expect(payload.embeds.length).toBeGreaterThanOrEqual(5);
  });

  it('shows a line that tries to close the code block, mention or link as plain text', () => {
    const line = 'boom ```\n@everyone **pwned** [click](https://evil.example) ``` end';
    const alert = logAlert({ lines: [line], annotations: { summary: '**bold** [click](https://evil.example) <@&1>' } });
    const payload = renderDiscord(alertNotification([alert]));
    const description = payload.embeds[0]?.description ?? '';
    expect(fenceCount(description)).toBe(2);
    expect(description).toContain('\\*\\*bold\\*\\* \\[click\\]\\(https://evil.example\\) \\<@&1\\>');
    expect(payload.content).toBeUndefined();
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    expect(discordViolations(payload)).toEqual([]);
  });

  it('keeps a digest of 40 long sections within the limits', () => {
    const sections = Array.from({ length: 40 }, (_, i) => ({
      title: `section ${i} ${'t'.repeat(300)}`,
      rows: Array.from({ length: 100 }, (_, j) => ({ name: `container-${j}`, value: `${j} restarts` })),
    }));
    const payload = renderDiscord(digest({ sections }));
    expect(discordViolations(payload)).toEqual([]);
    expect(payload.embeds[0]?.fields).toHaveLength(25);
    expect(payload.embeds[0]?.footer.text).toMatch(/… and 15 more sections$/);
  });
});
