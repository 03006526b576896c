import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../cli';

describe('dockwatch --help', () => {
  it('describes all of dockwatch: metrics, alerts and the chat bot, as package.json does', () => {
    const help = buildProgram().helpInformation().replace(/\s+/g, ' ');
    const description = (
      JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { description: string }
    ).description;
    expect(help).toContain(description);
    for (const word of ['metrics', 'alerts', 'chat bot', 'Discord', 'Slack', 'restart'])
      expect(description).toContain(word);
    expect(help).not.toContain('Docker container metrics (cAdvisor-compatible) from one small agent per host');
  });
});
