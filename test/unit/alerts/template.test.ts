import { renderTemplate, templateProblems } from '../../../alerts/template';
import { container, line, Timeline, toOps } from './timeline';

describe('templates', () => {
  const ctx = {
    container: 'web-1',
    host: 'host-a',
    line: 'ERROR x',
    value: 93.456,
    count: 7,
    rule: 'app-errors',
    severity: 'warning',
    labels: { team: 'web', container: 'web-1' },
    containerLabels: { 'com.docker.compose.service': 'web', team: 'other' },
  };

  it('fills every placeholder, with or without spaces inside the braces', () => {
    const text = '{{ count }} in {{container}}@{{host}} [{{severity}} {{rule}}] {{value}}: {{line}}';
    expect(renderTemplate(text, ctx)).toBe('7 in web-1@host-a [warning app-errors] 93.46: ERROR x');
  });

  it('reads labels.KEY from the alert labels first, then from the container labels', () => {
    expect(renderTemplate('{{labels.team}}/{{labels.com.docker.compose.service}}/{{labels.none}}', ctx)).toBe(
      'web/web/',
    );
  });

  it('renders missing values as empty text', () => {
    expect(
      renderTemplate('[{{line}}][{{value}}][{{count}}]', { host: 'h', rule: 'r', severity: 'info', labels: {} }),
    ).toBe('[][][]');
  });

  it('names unknown placeholders, with a guess when there is one', () => {
    expect(templateProblems('{{contianer}} and {{labels.x}}')).toEqual([
      'unknown placeholder {{contianer}} (did you mean {{container}}?)',
    ]);
    expect(templateProblems('{{image}}')).toEqual([
      'unknown placeholder {{image}} (known: container, host, line, value, count, rule, severity, labels.KEY)',
    ]);
    expect(templateProblems('{{labels.}}')[0]).toMatch(/^unknown placeholder \{\{labels\.\}\}/);
    expect(templateProblems('oops {{container')).toEqual(['has a {{ without its closing }}']);
    expect(templateProblems('plain { text } is fine')).toEqual([]);
  });

  it('renders a rule’s own annotations into the notification', () => {
    const t = new Timeline({
      routes: toOps,
      groupWait: '0s',
      rules: [
        {
          name: 'app-errors',
          kind: 'log',
          match: 'ERROR',
          threshold: { count: 2, window: '1m' },
          labels: { team: 'web' },
          annotations: {
            summary: '{{count}} errors in {{container}} ({{labels.com.docker.compose.service}}) on {{host}}',
            description: '{{line}}',
            runbook: 'https://runbooks.example/{{rule}}?team={{labels.team}}',
          },
        },
      ],
    });
    const web = container('web-1', { 'com.docker.compose.service': 'shop' });
    t.at(0, (e) => e.log(line(web, 'ERROR one')));
    t.at(1, (e) => e.log(line(web, 'ERROR two')));
    expect(t.outputs[0]?.notification.alerts[0]?.annotations).toEqual({
      summary: '2 errors in web-1 (shop) on host-a',
      description: 'ERROR two',
      runbook: 'https://runbooks.example/app-errors?team=web',
    });
  });
});
