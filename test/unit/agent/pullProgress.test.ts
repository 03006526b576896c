import { pullError, pullFailureKind, engineWords } from '../../../agent/images/pullErrors';
import { describePullProgress, formatPullBytes, PullProgressTracker } from '../../../agent/images/pullProgress';
import { describePullResult, pullProgressLines } from '../../../api/inProcessPull';

/** The engine's events of a real pull (docker 20.10 against the distribution registry), shortened. */
const EVENTS = [
  { status: 'Pulling from exp', id: 't1' },
  { status: 'Already exists', progressDetail: {}, id: '9c9e8fbbd698' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'bfb5c2c3b777' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'ef40986b6674' },
  { status: 'Downloading', progressDetail: { current: 3678, total: 150251 }, id: 'ef40986b6674' },
  { status: 'Downloading', progressDetail: { current: 150251, total: 150251 }, id: 'ef40986b6674' },
  { status: 'Downloading', progressDetail: { current: 3678, total: 150246 }, id: 'bfb5c2c3b777' },
  { status: 'Verifying Checksum', progressDetail: {}, id: 'bfb5c2c3b777' },
  { status: 'Download complete', progressDetail: {}, id: 'bfb5c2c3b777' },
  { status: 'Download complete', progressDetail: {}, id: 'ef40986b6674' },
  { status: 'Extracting', progressDetail: { current: 32768, total: 150246 }, id: 'bfb5c2c3b777' },
  { status: 'Pull complete', progressDetail: {}, id: 'bfb5c2c3b777' },
  { status: 'Extracting', progressDetail: { current: 150251, total: 150251 }, id: 'ef40986b6674' },
  { status: 'Pull complete', progressDetail: {}, id: 'ef40986b6674' },
  { status: `Digest: sha256:${'c'.repeat(64)}` },
  { status: 'Status: Downloaded newer image for 127.0.0.1:42007/exp:t1' },
];

describe('PullProgressTracker', () => {
  it('counts layers done (present or pulled) and bytes of the announced sizes, extraction not counted as bytes', () => {
    const tracker = new PullProgressTracker();
    const seen = EVENTS.map((e) => (tracker.add(e), describePullProgress(tracker.progress())));
    expect(seen[3]).toBe('layers 1/3');
    expect(seen[4]).toBe('layers 1/3, 3.7 kB / 150.3 kB');
    expect(seen[6]).toBe('layers 1/3, 153.9 kB / 300.5 kB');
    expect(seen[8]).toBe('layers 1/3, 300.5 kB / 300.5 kB');
    expect(seen[11]).toBe('layers 2/3, 300.5 kB / 300.5 kB');
    expect(seen.at(-1)).toBe('layers 3/3, 300.5 kB / 300.5 kB');
    expect(tracker.digest).toBe(`sha256:${'c'.repeat(64)}`);
    expect(tracker.upToDate).toBe(false);
  });

  it('knows an up-to-date pull, with no layers', () => {
    const tracker = new PullProgressTracker();
    tracker.add({ status: 'Pulling from exp', id: 't1' });
    tracker.add({ status: `Digest: sha256:${'d'.repeat(64)}` });
    tracker.add({ status: 'Status: Image is up to date for 127.0.0.1:1/exp:t1' });
    expect(tracker.upToDate).toBe(true);
    expect(tracker.progress()).toMatchObject({ layersDone: 0, layersTotal: 0, bytesDone: 0, bytesTotal: 0 });
  });

  it('says whether a step changed what is shown', () => {
    const tracker = new PullProgressTracker();
    expect(tracker.add({ status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' })).toBe(true);
    expect(tracker.add({ status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' })).toBe(false);
  });
});

describe('formatPullBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [12_400_000, '12.4 MB'],
    [30_100_000, '30.1 MB'],
    [1_500_000_000, '1.5 GB'],
  ])('%d → %s', (bytes, text) => expect(formatPullBytes(bytes)).toBe(text));

  it('the progress line', () => {
    const p = { layersDone: 3, layersTotal: 5, bytesDone: 12_400_000, bytesTotal: 30_100_000, status: '' };
    expect(describePullProgress(p)).toBe('layers 3/5, 12.4 MB / 30.1 MB');
  });
});

describe('pullProgressLines', () => {
  it('sends a line at most once a second, whenever a layer completes, never the same twice, and the last at flush', () => {
    let now = 0;
    const lines: string[] = [];
    const reporter = pullProgressLines(
      (l) => lines.push(l),
      () => now,
    );
    const at = (t: number, layersDone: number, bytesDone: number) => {
      now = t;
      reporter.onProgress({ layersDone, layersTotal: 2, bytesDone, bytesTotal: 2000, status: '' });
    };
    at(0, 0, 0);
    at(100, 0, 500);
    at(900, 0, 900);
    at(1000, 0, 1000);
    at(1100, 1, 1000);
    at(1200, 1, 1500);
    at(1300, 1, 1500);
    reporter.flush();
    expect(lines).toEqual([
      'layers 0/2, 0 B / 2.0 kB',
      'layers 0/2, 1.0 kB / 2.0 kB',
      'layers 1/2, 1.0 kB / 2.0 kB',
      'layers 1/2, 1.5 kB / 2.0 kB',
    ]);
  });

  it('holds the first line back while the engine is still listing the layers', () => {
    const lines: string[] = [];
    const reporter = pullProgressLines(
      (l) => lines.push(l),
      () => 0,
    );
    const tracker = new PullProgressTracker();
    for (const event of EVENTS.slice(0, 4)) if (tracker.add(event)) reporter.onProgress(tracker.progress());
    expect(lines).toEqual([]);
    tracker.add(EVENTS[4]!);
    reporter.onProgress(tracker.progress());
    expect(lines).toEqual(['layers 1/3, 3.7 kB / 150.3 kB']);
  });

  it('shows the last state at flush when everything was already present', () => {
    const lines: string[] = [];
    const reporter = pullProgressLines(
      (l) => lines.push(l),
      () => 0,
    );
    reporter.onProgress({ layersDone: 2, layersTotal: 2, bytesDone: 0, bytesTotal: 0, status: 'Already exists' });
    reporter.flush();
    expect(lines).toEqual(['layers 2/2']);
  });

  it('summarises a pull', () => {
    const result = { ref: '127.0.0.1:5000/app:v1', imageId: `sha256:${'ab'.repeat(32)}`, upToDate: false };
    const last = { layersDone: 2, layersTotal: 2, bytesDone: 3_000_000, bytesTotal: 3_000_000, status: '' };
    expect(describePullResult({ ...result, digest: 'sha256:x' }, last)).toBe(
      'Pulled 127.0.0.1:5000/app:v1 (image abababababab, digest sha256:x): 2 layers, 3.0 MB downloaded.',
    );
    expect(describePullResult({ ...result, upToDate: true }, undefined)).toBe(
      '127.0.0.1:5000/app:v1 is up to date (image abababababab).',
    );
  });
});

describe('pull errors', () => {
  it.each([
    ['manifest for 127.0.0.1:5000/app:nope not found: manifest unknown: manifest unknown', 'not-found'],
    ['pull access denied for nope, repository does not exist or may require docker login', 'not-found'],
    ['unauthorized: authentication required', 'denied'],
    ['Head "http://127.0.0.1:5000/v2/app/manifests/v1": no basic auth credentials', 'denied'],
    ['denied: requested access to the resource is denied', 'denied'],
    ['Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', 'unreachable'],
    ['Get "https://x.invalid/v2/": dial tcp: lookup x.invalid on 10.0.0.53:53: no such host', 'unreachable'],
    ['Get "https://10.1.1.1:5000/v2/": net/http: TLS handshake timeout', 'unreachable'],
    ['invalid reference format', 'invalid'],
    ['something else entirely', 'other'],
  ])('%s → %s', (text, kind) => expect(pullFailureKind(text)).toBe(kind));

  const ctx = {
    ref: '127.0.0.1:5000/app:v1',
    registry: '127.0.0.1:5000',
    credentials: 'credentials for 127.0.0.1:5000 from the config',
    hadCredentials: true,
    secrets: ['hunter2'],
  };

  it('names the registry and where the refused credentials came from, never the password', () => {
    const error = pullError('(HTTP code 500) server error - unauthorized: hunter2 authentication required', ctx);
    expect(error.message).toBe(
      'access to 127.0.0.1:5000/app:v1 was denied by registry 127.0.0.1:5000: the credentials for 127.0.0.1:5000 ' +
        'from the config were refused [unauthorized: <secret> authentication required]',
    );
    expect(error.code).toBe('failed');
  });

  it('says no credentials were configured when none were sent', () => {
    const none = { ...ctx, hadCredentials: false, credentials: 'no credentials configured for 127.0.0.1:5000' };
    expect(pullError('no basic auth credentials', none).message).toMatch(
      /^access to 127.0.0.1:5000\/app:v1 was denied by registry 127.0.0.1:5000: no credentials configured for 127.0.0.1:5000 \(add it to registries: in the config/,
    );
  });

  it('not found and unreachable', () => {
    const notFound = pullError('(HTTP code 404) unexpected - manifest for x not found: manifest unknown', ctx);
    expect(notFound.code).toBe('not-found');
    expect(notFound.message).toMatch(/^image 127.0.0.1:5000\/app:v1 was not found: registry 127.0.0.1:5000 has no/);
    expect(pullError('dial tcp 127.0.0.1:5000: connect: connection refused', ctx).message).toBe(
      'registry 127.0.0.1:5000 is unreachable for 127.0.0.1:5000/app:v1 [dial tcp 127.0.0.1:5000: connect: connection refused]',
    );
  });

  it('cuts long engine words', () => {
    expect(engineWords('x'.repeat(1000), []).length).toBe(301);
  });
});
