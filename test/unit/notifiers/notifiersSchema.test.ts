import { parse } from 'yaml';
import { z } from 'zod';
import { issueProblems } from '../../../config/issueMessages';
import { formatProblem } from '../../../config/keyPath';
import { notifiersSchema } from '../../../config/notifiersSchema';

const file = z.strictObject({ notifiers: notifiersSchema });

/** The problems `config check` would print for a `notifiers:` section (as YAML). */
function problems(yaml: string): string[] {
  const result = file.safeParse(parse(yaml), { reportInput: true });
  return result.success ? [] : issueProblems(result.error.issues, file).map((p) => formatProblem(p, []));
}

const HOOK = 'https://discord.com/api/webhooks/123/tok-3f9a1c77e2';

describe('notifiers schema', () => {
  it('defaults to no notifiers', () => {
    expect(file.parse({})).toEqual({ notifiers: [] });
  });

  it('reads every type with its options and defaults (timeout 10s, resendInterval 1m)', () => {
    const parsed = file.parse(
      parse(`
notifiers:
  - { name: ops-discord, type: discord-webhook, url: "${HOOK}", mention: "<@&42>", username: dockwatch,
      avatarUrl: "https://example.com/a.png" }
  - { name: ops-slack, type: slack-webhook, url: "https://hooks.slack.com/services/T/B/x", channel: "#ops",
      iconEmoji: ":whale:", timeout: 3s }
  - { name: am, type: alertmanager, url: "http://127.0.0.1:9093" }
  - { name: hook, type: webhook, url: "https://example.invalid/hook", headers: { X-Key: k-123 } }
`),
    );
    expect(parsed.notifiers).toEqual([
      {
        name: 'ops-discord',
        type: 'discord-webhook',
        url: HOOK,
        timeout: 10_000,
        mention: '<@&42>',
        username: 'dockwatch',
        avatarUrl: 'https://example.com/a.png',
      },
      {
        name: 'ops-slack',
        type: 'slack-webhook',
        url: 'https://hooks.slack.com/services/T/B/x',
        timeout: 3_000,
        channel: '#ops',
        iconEmoji: ':whale:',
      },
      { name: 'am', type: 'alertmanager', url: 'http://127.0.0.1:9093', timeout: 10_000, resendInterval: 60_000 },
      {
        name: 'hook',
        type: 'webhook',
        url: 'https://example.invalid/hook',
        timeout: 10_000,
        headers: { 'X-Key': 'k-123' },
      },
    ]);
  });

  it('names an unknown type and guesses the meant one', () => {
    expect(problems('notifiers: [{ name: a, type: slack, url: "https://x.example" }]')).toEqual([
      'notifiers[0].type: "slack" is not one of discord-webhook, slack-webhook, alertmanager, webhook (did you mean "slack-webhook"?)',
    ]);
    expect(problems('notifiers: [{ name: a, url: "https://x.example" }]')).toEqual([
      'notifiers[0].type: is required (one of discord-webhook, slack-webhook, alertmanager, webhook)',
    ]);
  });

  it('rejects URLs that are not http(s) without printing them', () => {
    const yaml = `
notifiers:
  - { name: a, type: webhook, url: "ftp://files.example/tok-111" }
  - { name: b, type: webhook, url: "not a url tok-222" }
  - { name: c, type: webhook, url: 333444 }
  - { name: d, type: webhook }
  - { name: e, type: webhook, url: "" }
`;
    expect(problems(yaml)).toEqual([
      'notifiers[0].url: must be an http:// or https:// URL, not ftp://',
      'notifiers[1].url: is not a URL (expected http://… or https://…)',
      'notifiers[2].url: expected a string',
      'notifiers[3].url: is required',
      'notifiers[4].url: must not be empty',
    ]);
    expect(problems(yaml).join('\n')).not.toMatch(/tok-|333444/);
  });

  it('reports a duplicate name at the later entry', () => {
    const yaml = `
notifiers:
  - { name: ops, type: webhook, url: "https://a.example" }
  - { name: other, type: webhook, url: "https://b.example" }
  - { name: ops, type: alertmanager, url: "http://c.example" }
`;
    expect(problems(yaml)).toEqual(['notifiers[2].name: "ops" is already the name of notifiers[0]']);
  });

  it('rejects unknown keys with a guess, by the keys of that type', () => {
    const yaml = `
notifiers:
  - { name: a, type: discord-webhook, url: "https://a.example", usrname: bot, headers: { X: y } }
  - { name: b, type: alertmanager, url: "http://b.example", resendIntervall: 2m }
`;
    expect(problems(yaml)).toEqual([
      'notifiers[0].usrname: unknown key (did you mean "username"?)',
      'notifiers[0].headers: unknown key (known keys: type, name, url, timeout, username, avatarUrl, mention)',
      'notifiers[1].resendIntervall: unknown key (did you mean "resendInterval"?)',
    ]);
  });

  it('reports every problem of an entry, not just the first', () => {
    expect(problems('notifiers: [{ name: "", type: webhook, url: "gopher://x", timeout: soon, extra: 1 }]')).toEqual([
      'notifiers[0].name: must not be empty',
      'notifiers[0].url: must be an http:// or https:// URL, not gopher://',
      'notifiers[0].timeout: "soon" is not a duration (use e.g. 500ms, 5s, 1m, 4h)',
      'notifiers[0].extra: unknown key (known keys: type, name, url, timeout, headers)',
    ]);
  });

  it('checks header names and never prints header values', () => {
    const yaml = `
notifiers:
  - { name: a, type: webhook, url: "https://a.example", headers: { "Bad Header": ok, X-Key: 98765 } }
`;
    expect(problems(yaml)).toEqual([
      'notifiers[0].headers.X-Key: expected a string (quote it)',
      'notifiers[0].headers["Bad Header"]: is not an HTTP header name',
    ]);
    expect(problems(yaml).join('\n')).not.toContain('98765');
  });

  it('checks the options of each type', () => {
    const yaml = `
notifiers:
  - { name: a, type: slack-webhook, url: "https://a.example", iconEmoji: whale }
  - { name: b, type: discord-webhook, url: "https://b.example", avatarUrl: "file:///etc/passwd" }
  - { name: c, type: alertmanager, url: "http://c.example", resendInterval: 10ms }
  - { name: d, type: discord-webhook, url: "https://d.example", username: ${'x'.repeat(81)} }
`;
    expect(problems(yaml)).toEqual([
      'notifiers[0].iconEmoji: must look like :emoji_name:',
      'notifiers[1].avatarUrl: "file:///etc/passwd" must be an http:// or https:// URL, not file://',
      'notifiers[2].resendInterval: "10ms" is below the minimum 1s',
      'notifiers[3].username: must be at most 80 characters (a Discord limit)',
    ]);
  });

  it('says when the section is not a list', () => {
    expect(problems('notifiers: { name: a }')).toEqual(['notifiers: expected a list, got a mapping']);
    expect(problems('notifiers: [hook]')).toEqual(['notifiers[0]: expected a mapping, got "hook"']);
  });
});
