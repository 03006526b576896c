import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one side of a connection sent that the other has not been given yet, and whether it ended or went away. */
type Held = { chunks: Buffer[]; ended: boolean; closed: boolean };

/** One client connection and its upstream twin (opened at accept, or at `resume()` when accepted during a stall). */
type Pair = {
  client: net.Socket;
  upstream?: net.Socket;
  fromClient: Held;
  fromEngine: Held;
  done: boolean;
  /** Its request matched the hang pattern: nothing is forwarded either way, ever. */
  hung?: boolean;
};

const held = (): Held => ({ chunks: [], ended: false, closed: false });

/**
 * A unix-socket proxy in front of dockerd that can stall like a hung engine: `stall()` stops forwarding bytes in both
 * directions on every connection and accepts new ones without answering (no error, no close: what either side sends,
 * ends or closes is held); `resume()` lets everything flow again, what was held first. Point `docker.host` at `host`.
 * It keeps reading both sides while stalled, so it sees (and counts) the client connections closed meanwhile.
 */
export class EngineStallProxy {
  private readonly pairs = new Set<Pair>();
  private stalled = false;
  private hangPattern: RegExp | undefined;
  private hangForMs: number | undefined;
  private hangs = 0;
  private clientsOpen = 0;
  private peak = 0;
  private accepted = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly dir: string,
    /** The proxy's socket file. */
    readonly socketPath: string,
    private readonly target: string,
  ) {}

  /** Listens on a socket in a new temp dir and forwards to `target` (dockerd's socket by default). */
  static async start(target = '/var/run/docker.sock'): Promise<EngineStallProxy> {
    const dir = mkdtempSync(join(tmpdir(), 'dockwatch-stall-'));
    const socketPath = join(dir, 'docker.sock');
    const server = net.createServer({ allowHalfOpen: true });
    const proxy = new EngineStallProxy(server, dir, socketPath, target);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  /** `unix://…`, for `docker.host`. */
  get host(): string {
    return `unix://${this.socketPath}`;
  }

  /** Whether the proxy holds everything now. */
  get isStalled(): boolean {
    return this.stalled;
  }

  /**
   * Client connections open now (not yet ended or closed by the client): dockerode opens one per request, so this is
   * the requests (and streams) in flight.
   */
  get openConnections(): number {
    return this.clientsOpen;
  }

  /** The most client connections open at once since start or the last `resetPeak()`. */
  get peakConnections(): number {
    return this.peak;
  }

  /** Connections accepted since start. */
  get acceptedConnections(): number {
    return this.accepted;
  }

  /** Starts measuring the peak again from the connections open now. */
  resetPeak(): void {
    this.peak = this.clientsOpen;
  }

  /** Stops forwarding in both directions on every connection, and answers nothing on new ones. */
  stall(): void {
    this.stalled = true;
  }

  /** Forwards again: what was held first, then everything new; connections accepted meanwhile reach dockerd now. */
  resume(): void {
    this.stalled = false;
    for (const pair of [...this.pairs]) this.release(pair);
  }

  /**
   * Requests whose request line (`GET /v1.41/info HTTP/1.1`) matches `pattern` are never answered, the others flow:
   * dockerd 20.10's networking deadlock, where `/_ping` answers and `/info` hangs for good. With `forMs` they are
   * only held that long, then forwarded (a slow engine). `undefined` ends it for requests made from now on.
   */
  hangRequests(pattern: RegExp | undefined, forMs?: number): void {
    this.hangPattern = pattern;
    this.hangForMs = forMs;
  }

  /** Requests held by {@link hangRequests} so far. */
  get heldRequests(): number {
    return this.hangs;
  }

  /** Closes every connection and the listener, and removes the temp dir. */
  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private accept(client: net.Socket): void {
    const pair: Pair = { client, fromClient: held(), fromEngine: held(), done: false };
    this.pairs.add(pair);
    this.accepted += 1;
    this.clientsOpen += 1;
    this.peak = Math.max(this.peak, this.clientsOpen);
    // An HTTP client never half-closes: its end (or close) means it has let go of the connection.
    let gone = false;
    const letGo = () => {
      if (gone) return;
      gone = true;
      this.clientsOpen -= 1;
    };
    client.on('data', (chunk: Buffer) => this.pass(pair, pair.fromClient, pair.upstream, chunk));
    client.on('end', () => {
      letGo();
      this.ended(pair, pair.fromClient);
    });
    client.on('error', () => undefined);
    client.once('close', () => {
      letGo();
      this.closed(pair, pair.fromClient);
    });
    if (!this.stalled) this.connect(pair);
  }

  private connect(pair: Pair): void {
    const upstream = net.createConnection({ path: this.target, allowHalfOpen: true });
    pair.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => this.pass(pair, pair.fromEngine, pair.client, chunk));
    upstream.on('end', () => this.ended(pair, pair.fromEngine));
    upstream.on('error', () => undefined);
    upstream.once('close', () => this.closed(pair, pair.fromEngine));
  }

  private pass(pair: Pair, from: Held, to: net.Socket | undefined, chunk: Buffer): void {
    if (from === pair.fromClient && this.hangPattern && !pair.hung) {
      const requestLine = chunk.toString('latin1', 0, Math.min(chunk.length, 512)).split('\r\n', 1)[0] ?? '';
      if (this.hangPattern.test(requestLine)) {
        pair.hung = true;
        this.hangs += 1;
        const forMs = this.hangForMs;
        if (forMs !== undefined) {
          setTimeout(() => {
            pair.hung = false;
            if (!this.stalled) this.release(pair);
          }, forMs);
        }
      }
    }
    if (pair.hung) {
      if (this.hangForMs !== undefined) from.chunks.push(chunk);
      return;
    }
    if (this.stalled || !to || from.chunks.length > 0) from.chunks.push(chunk);
    else to.write(chunk);
    if (!this.stalled) this.release(pair);
  }

  private ended(pair: Pair, from: Held): void {
    from.ended = true;
    if (!this.stalled) this.release(pair);
  }

  private closed(pair: Pair, from: Held): void {
    from.closed = true;
    if (pair.hung) return this.drop(pair);
    if (!this.stalled) this.release(pair);
  }

  /** Hands over what each side holds for the other, then its end or close; forgets the pair once both are gone. */
  private release(pair: Pair): void {
    if (pair.done || pair.hung) return;
    if (!pair.upstream) {
      if (pair.fromClient.closed) return this.drop(pair);
      this.connect(pair);
    }
    const upstream = pair.upstream as net.Socket;
    this.deliver(pair.fromClient, upstream);
    this.deliver(pair.fromEngine, pair.client);
    if (pair.fromClient.closed && pair.fromEngine.closed) this.drop(pair);
  }

  private deliver(from: Held, to: net.Socket): void {
    if (to.destroyed) return void (from.chunks = []);
    for (const chunk of from.chunks) to.write(chunk);
    from.chunks = [];
    if (from.closed && !from.ended) to.destroy();
    else if (from.ended || from.closed) to.end();
  }

  private drop(pair: Pair): void {
    if (pair.done) return;
    pair.done = true;
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
