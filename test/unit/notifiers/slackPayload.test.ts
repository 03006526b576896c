import { renderSlack } from '../../../alerts/notifiers/slackPayload';
import type { SlackBlock } from '../../../alerts/notifiers/slackPayload';
import { expectedPayload } from './expectedPayload';
import { fenceCount, slackViolations } from './platformLimits';
import { T0, alertNotification, crashedNotification, digest, logAlert } from './sampleNotifications';

function sectionTexts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

describe('renderSlack', () => {
  it('renders a firing log alert: header, text with the lines in a code block, fields, fallback text', () => {
    const payload = renderSlack(alertNotification([logAlert()]), { channel: '#ops', iconEmoji: ':whale:' });
    expect(payload).toEqual(expectedPayload('slack-log-alert', payload));
  });

  it('marks a resolved notification green in its header', () => {
    const alert = logAlert({ state: 'resolved', resolvedAt: T0 + 60_000 });
    const [header] = renderSlack(alertNotification([alert], { status: 'resolved' })).blocks;
    expect(header).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':large_green_circle: Resolved: app-errors', emoji: true },
    });
  });

  it('puts several alerts of one rule in one message with the count in the header', () => {
    const payload = renderSlack(crashedNotification(3));
    expect(payload).toEqual(expectedPayload('slack-three-crashed', payload));
  });

  it('renders a digest with one section per table', () => {
    const payload = renderSlack(digest());
    expect(payload).toEqual(expectedPayload('slack-digest', payload));
  });

  it('cuts a 10,000-character log line to a 3000-character section and closes the code block', () => {
    const payload = renderSlack(alertNotification([logAlert({ lines: [`ERROR ${'x'.repeat(10_000)}`] })]));
    expect(slackViolations(payload)).toEqual([]);
    const [text] = sectionTexts(payload.blocks);
    expect(text?.length).toBeGreaterThan(2000);
    expect(text).toMatch(/ERROR x+…\n```$/);
  });

  it('sends 40 alerts as one message of at most 50 blocks, then "… and N more"', () => {
    const payload = renderSlack(crashedNotification(40));
    expect(slackViolations(payload)).toEqual([]);
    expect(payload.blocks[0]).toMatchObject({ text: { text: ':red_circle: 40 alerts: crashed' } });
    const last = payload.blocks[payload.blocks.length - 1];
    expect(last).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '… and 24 more alerts · dockwatch · host-a' }],
    });
    expect(payload.text.startsWith('40 alerts: crashed on host-a\nweb-1: web-1 exited with code 1')).toBe(true);
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
    const payload = renderSlack(alertNotification(alerts, { rule: 'r'.repeat(400) }));
    expect(slackViolations(payload)).toEqual([]);
    expect(payload.text.length).toBeLessThanOrEqual(3000);
  });

  it('shows mentions, links and fences from a container as plain text', () => {
    const line = 'boom ``` <!channel> <https://evil.example|click> & more';
    const alert = logAlert({ lines: [line], annotations: { summary: 'hey <!here> <@U123>' } });
    const [text] = sectionTexts(renderSlack(alertNotification([alert])).blocks);
    expect(fenceCount(text ?? '')).toBe(2);
    expect(text).toContain('hey &lt;!here&gt; &lt;@U123&gt;');
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more');
    expect(text).not.toMatch(/<[!@h]/);
  });

  it('keeps a digest of 60 long sections within 50 blocks', () => {
    const sections = Array.from({ length: 60 }, (_, i) => ({
      title: `section ${i}`,
      rows: Array.from({ length: 500 }, (_, j) => ({ name: `container-${j}`, value: `${j} restarts` })),
    }));
    const payload = renderSlack(digest({ sections }));
    expect(slackViolations(payload)).toEqual([]);
    expect(payload.blocks).toHaveLength(50);
  });
});
