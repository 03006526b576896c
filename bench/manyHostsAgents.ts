import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../test/support/waitFor';
import { processMemory } from './agentProcess';
import { keepOutput, stopChild, waitForExit } from './childProcess';
import { HOST_LABEL } from './manyHostsContainers';

/** How the simulated hosts' agents are started. */
export type AgentFleetOptions = {
  /** Compiled CLI (`dist/cli.js`). */
  cliPath: string;
  /** Node flags, as the `dockwatch` binary's shebang gives them. */
  nodeArgs: readonly string[];
  /** One agent per host, in this order; host i listens on `addresses[i]:port`. */
  hosts: readonly string[];
  addresses: readonly string[];
  port: number;
  /** Every agent's `agent.token` (the bot sends it). */
  token: string;
  /** Running containers each agent must list before it counts as ready. */
  perHost: number;
  /** Parent of each agent's config and data dir. */
  dir: string;
  readyTimeoutMs: number;
  progress: (message: string) => void;
};

type Member = {
  host: string;
  url: string;
  config: string;
  child?: ChildProcess;
  log: () => string;
  ending: boolean;
};

/** The agent YAML of one simulated host: its own address, name, token, data dir and only its own containers. */
function agentYaml(host: string, address: string, port: number, token: string, dataDir: string): string {
  return [
    'agent:',
    `  listen: ${address}:${port}`,
    `  hostName: ${host}`,
    `  token: ${token}`,
    `  dataDir: ${JSON.stringify(dataDir)}`,
    '  logLevel: warn',
    'containers:',
    `  include: { labels: { ${HOST_LABEL}: "${host}" } }`,
    '',
  ].join('\n');
}

/**
 * One `dockwatch agent` process per simulated host on this machine, each with its own listen address, `hostName`,
 * data dir and container filter. Agents can be killed, stopped (SIGSTOP), resumed and restarted by host name.
 */
export class AgentFleet {
  private readonly members = new Map<string, Member>();

  private constructor(private readonly options: AgentFleetOptions) {
    options.hosts.forEach((host, i) => {
      const address = options.addresses[i];
      if (address === undefined) throw new Error(`no address for ${host}`);
      const home = join(options.dir, host);
      mkdirSync(home, { recursive: true });
      const config = join(home, 'agent.yaml');
      writeFileSync(config, agentYaml(host, address, options.port, options.token, join(home, 'data')));
      this.members.set(host, { host, url: `http://${address}:${options.port}`, config, log: () => '', ending: false });
    });
  }

  /** Writes every config and starts the agents `batch` at a time, each batch until it lists its containers. */
  static async start(options: AgentFleetOptions, batch = 4): Promise<AgentFleet> {
    const fleet = new AgentFleet(options);
    try {
      for (let i = 0; i < options.hosts.length; i += batch) {
        await Promise.all(options.hosts.slice(i, i + batch).map((host) => fleet.restart(host)));
      }
      return fleet;
    } catch (err) {
      await fleet.stopAll();
      throw err;
    }
  }

  /** The control API URL of a host's agent. */
  url(host: string): string {
    return this.member(host).url;
  }

  /** Process ids of the running agents. */
  pids(): number[] {
    return [...this.members.values()].flatMap((m) => (m.child?.pid !== undefined && !m.ending ? [m.child.pid] : []));
  }

  /** Sends `signal` to a host's agent; SIGKILL also waits until it is gone. */
  async signal(host: string, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const member = this.member(host);
    const child = member.child;
    if (!child) throw new Error(`the agent of ${host} is not running`);
    if (signal === 'SIGKILL') member.ending = true;
    child.kill(signal);
    if (signal === 'SIGKILL' && !(await waitForExit(child, 10_000))) throw new Error(`${host}'s agent did not die`);
  }

  /** (Re)starts a host's agent with its config and data dir, and waits until it lists its containers. */
  async restart(host: string): Promise<void> {
    const member = this.member(host);
    if (member.child && member.child.exitCode === null && member.child.signalCode === null) {
      throw new Error(`the agent of ${host} is still running`);
    }
    const { cliPath, nodeArgs, progress } = this.options;
    const child = spawn(process.execPath, [...nodeArgs, cliPath, 'agent', '--config', member.config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    member.child = child;
    member.ending = false;
    member.log = keepOutput(child, 4000);
    child.once('exit', (code, signal) => {
      if (!member.ending) progress(`  the agent of ${host} exited (${signal ?? code}): ${member.log().slice(-500)}`);
    });
    await this.waitReady(host);
  }

  /** Resident memory of every running agent now, in bytes. */
  rssBytes(): number[] {
    return this.pids().map((pid) => processMemory(pid).rssBytes);
  }

  /** SIGTERM to every agent (SIGCONT first, in case one is stopped), SIGKILL to those still there after 10 s. */
  async stopAll(): Promise<void> {
    const children = [...this.members.values()].flatMap((m) => {
      m.ending = true;
      return m.child && m.child.exitCode === null && m.child.signalCode === null ? [m.child] : [];
    });
    for (const child of children) child.kill('SIGCONT');
    await Promise.all(children.map((child) => stopChild(child, 10_000)));
  }

  /** SIGKILL to every agent at once, without waiting (the last resort of an exit handler). */
  killAllNow(): void {
    for (const m of this.members.values()) {
      m.ending = true;
      m.child?.kill('SIGKILL');
    }
  }

  private async waitReady(host: string): Promise<void> {
    const member = this.member(host);
    const child = member.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the agent of ${host} is not running: ${member.log().slice(-1000)}`);
    }
    const { token, perHost, readyTimeoutMs } = this.options;
    let onExit: (() => void) | undefined;
    const exited = new Promise<never>((_, reject) => {
      onExit = () => reject(new Error(`the agent of ${host} exited before it was ready: ${member.log().slice(-1000)}`));
      child.once('exit', onExit);
    });
    const ready = waitFor(
      async () => {
        const res = await fetch(`${member.url}/api/v1/containers`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(5_000),
        });
        if (res.status !== 200) return false;
        const body = (await res.json()) as { containers?: { state?: string }[] };
        return (body.containers ?? []).filter((c) => c.state === 'running').length === perHost;
      },
      { what: `the agent of ${host} to list its ${perHost} containers`, timeoutMs: readyTimeoutMs, intervalMs: 250 },
    );
    try {
      await Promise.race([ready, exited]);
    } finally {
      if (onExit) child.off('exit', onExit);
      exited.catch(() => undefined);
    }
  }

  private member(host: string): Member {
    const member = this.members.get(host);
    if (!member) throw new Error(`no agent for host ${host}`);
    return member;
  }
}
