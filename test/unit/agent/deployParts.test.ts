import { ActionError } from '../../../agent/actions/actionError';
import { deployRef, describePull } from '../../../agent/actions/deploy';
import { describeDiagnosis, logTail } from '../../../agent/actions/failureDiagnosis';
import { ReplacementInProgress, ReplacementStore } from '../../../agent/revisions/replacementStore';
import { openStore } from '../../../agent/store/database';

/** One frame of Docker's multiplexed log stream. */
const frame = (stream: 1 | 2, text: string) => {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
};

describe('deployRef: which image a deploy pulls', () => {
  it('takes the image given, validated', () => {
    expect(deployRef('127.0.0.1:5000/app:v2', 'x:1', 'web')).toMatchObject({ registry: '127.0.0.1:5000', tag: 'v2' });
    expect(() => deployRef('App:v2', 'x:1', 'web')).toThrow(ActionError);
    expect(() => deployRef('app:v2; rm -rf /', 'x:1', 'web')).toThrow(/invalid image reference "app:v2; rm -rf \/"/);
  });

  it("re-pulls the container's own tag, and refuses an image ID or a pinned digest", () => {
    expect(deployRef(undefined, 'nginx', 'web')).toMatchObject({ repository: 'library/nginx', tag: 'latest' });
    expect(() => deployRef(undefined, `sha256:${'a'.repeat(64)}`, 'web')).toThrow(/created from an image ID/);
    expect(() => deployRef(undefined, `app@sha256:${'a'.repeat(64)}`, 'web')).toThrow(/runs a pinned digest/);
  });
});

describe('deploy progress and failure lines', () => {
  it('says how far a pull is', () => {
    const p = { layersDone: 2, layersTotal: 5, bytesDone: 12_100_000, bytesTotal: 40_200_000, status: 'Downloading' };
    expect(describePull(p)).toBe('2/5 layers, 12.1 MB of 40.2 MB');
    expect(describePull({ ...p, bytesTotal: 0 })).toBe('2/5 layers');
  });

  it('keeps the last log lines of a multiplexed or TTY log, cut when long', () => {
    const body = Buffer.concat([frame(1, 'one\ntwo\n'), frame(2, 'three\r\n'), frame(1, `${'x'.repeat(400)}\n`)]);
    const lines = logTail(body, false, 3);
    expect(lines.slice(0, 2)).toEqual(['two', 'three']);
    expect(lines[2]).toHaveLength(301);
    expect(logTail(Buffer.from('a\nb\n\n'), true, 10)).toEqual(['a', 'b']);
    expect(logTail(Buffer.alloc(0), false, 10)).toEqual([]);
  });

  it('says why in one reply: exit code, health output, log lines', () => {
    expect(describeDiagnosis({ exitCode: 3, health: 'v3 not ready', logs: ['booting', 'crash'] })).toBe(
      'exit code 3; last health check: v3 not ready; last log lines:\nbooting\ncrash',
    );
    expect(describeDiagnosis({ logs: [] })).toBe('');
  });
});

describe('ReplacementStore: a deploy marker', () => {
  it('carries the image and names the deploy when a second replacement is refused', () => {
    const store = new ReplacementStore(
      openStore(':memory:'),
      () => 10,
      () => true,
    );
    const marker = { name: 'web', holder: 'h/1', targetRevision: 0, oldContainerId: 'old', startedAt: 0 };
    store.begin({ ...marker, deployImage: 'app:v2', expiresAt: 60_000 });
    expect(store.get('web')).toMatchObject({ deployImage: 'app:v2', targetRevision: 0 });
    expect(() => store.begin({ ...marker, holder: 'h/2', expiresAt: 60_000 })).toThrow(ReplacementInProgress);
    expect(() => store.begin({ ...marker, holder: 'h/2', expiresAt: 60_000 })).toThrow(/a deploy of web is already/);
    store.finish('web', 'h/1', 'deployed');
    expect(store.settleable()).toEqual([expect.objectContaining({ outcome: 'deployed', deployImage: 'app:v2' })]);
  });
});
