import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogMatcher, LogPattern } from '../alerts/logMatcher';
import {
  compileLogMatcher,
  compileNaiveLogMatcher,
  escapeRegExp,
  patternLiterals,
  patternRegExp,
} from '../alerts/logMatcher';

/**
 * Fifty log rules of the kind people write: levels, 5xx, timeouts, stack traces, OOMs, panics, refused
 * connections. Written so that `toExtendedRegex` can hand them to `grep -E` unchanged in meaning.
 */
export const BENCH_PATTERNS: LogPattern[] = [
  { regex: 'ERROR|FATAL' },
  { regex: '\\b(?:timeout|timed out)\\b', ignoreCase: true },
  { regex: 'HTTP/1\\.[01]" 5\\d\\d ' },
  { regex: '^\\s+at [a-zA-Z0-9_$.<>]+\\(' },
  { regex: 'java\\.lang\\.\\w+(?:Exception|Error)' },
  { contains: 'OutOfMemoryError' },
  { regex: '^panic: ' },
  { contains: 'connection refused', ignoreCase: true },
  { contains: 'Traceback (most recent call last)' },
  { regex: 'Killed process \\d+' },
  { regex: 'segmentation fault|SIGSEGV' },
  { regex: 'ECONNRESET|ECONNREFUSED|ETIMEDOUT' },
  { contains: 'deadlock detected' },
  { contains: 'too many connections', ignoreCase: true },
  { regex: 'No space left on device|disk full' },
  { contains: 'permission denied', ignoreCase: true },
  { regex: 'certificate (?:has )?expired|x509: ' },
  { regex: 'level=(?:error|fatal|panic)' },
  { regex: '"level":"(?:error|fatal)"' },
  { regex: '\\[(?:ERROR|CRIT|ALERT|EMERG)\\]' },
  { contains: 'upstream timed out' },
  { contains: '502 Bad Gateway' },
  { regex: 'unhandled (?:promise )?rejection', ignoreCase: true },
  { contains: 'password authentication failed' },
  { contains: 'could not connect to server' },
  { contains: 'Lock wait timeout exceeded' },
  { contains: 'Too many open files' },
  { contains: 'heap out of memory' },
  { contains: 'Cannot allocate memory' },
  { contains: 'broken pipe', ignoreCase: true },
  { regex: 'OOMKilled|oom-kill' },
  { regex: 'retrying in \\d+(?:\\.\\d+)?m?s' },
  { regex: 'rate limit(?:ed)? exceeded', ignoreCase: true },
  { regex: '\\bWARN(?:ING)?\\b' },
  { regex: 'slow query: \\d{4,} ?ms' },
  { regex: 'response_time=(?:[5-9]\\d{3}|\\d{5,})ms' },
  { regex: 'status=5\\d\\d\\b' },
  { regex: 'user=\\w+ login failed' },
  { contains: 'authentication failure' },
  { contains: 'invalid token', ignoreCase: true },
  { contains: 'NullPointerException' },
  { regex: '^(?:KeyError|TypeError|ValueError): ' },
  { contains: 'AssertionError' },
  { regex: 'circuit breaker (?:open|tripped)' },
  { regex: 'replication lag \\d+s' },
  { regex: 'failed to (?:pull|push|sync)' },
  { contains: 'health check failed' },
  { regex: 'SIGTERM|SIGKILL' },
  { regex: 'exited with code [1-9]\\d*' },
  { regex: '^Caused by: ' },
];

/** A small deterministic PRNG (mulberry32), so every run benches the same lines. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ['/api/v1/orders', '/api/v1/users/me', '/static/app.3f9a1c.js', '/healthz', '/api/v2/search?q=shoes'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'curl/8.5.0', 'Go-http-client/1.1'];
const CLASSES = [
  'c.e.orders.OrderService',
  'o.h.engine.jdbc.batch',
  'c.e.auth.TokenFilter',
  'o.s.web.servlet.Dispatcher',
];
const MESSAGES = [
  'cache hit',
  'order created',
  'session refreshed',
  'payment authorised',
  'job finished',
  'user café ok',
];

/** Normal traffic: access logs, JSON, logfmt, Spring, Postgres; ~97% of lines. */
function normalLine(r: () => number, i: number): string {
  const pick = <T>(list: T[]): T => list[Math.floor(r() * list.length)]!;
  const ms = Math.floor(r() * 900);
  const time = `2026-11-29T03:${String(i % 60).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}.${ms}Z`;
  switch (Math.floor(r() * 5)) {
    case 0:
      return `10.0.${i % 255}.${ms % 255} - - [29/Nov/2026:03:12:45 +0000] "GET ${pick(PATHS)} HTTP/1.1" ${pick([200, 200, 304, 404])} ${ms * 17} "-" "${pick(AGENTS)}" rt=0.0${ms}`;
    case 1:
      return `{"ts":"${time}","level":"${pick(['info', 'debug'])}","msg":"${pick(MESSAGES)}","orderId":${i},"durationMs":${ms}}`;
    case 2:
      return `time=${time} level=info msg="${pick(MESSAGES)}" key=session:${i} took=${ms}µs response_time=${ms}ms`;
    case 3:
      return `2026-11-29 03:12:45.${ms}  INFO 1 --- [nio-8080-exec-${i % 9}] ${pick(CLASSES)} : Processed order ${i} in ${ms} ms`;
    default:
      return `2026-11-29 03:12:45.${ms} UTC [${i % 500}] LOG:  checkpoint complete: wrote ${ms} buffers (0.${ms}%)`;
  }
}

const BAD_LINES = [
  '2026-11-29 03:12:45.120 ERROR 1 --- [nio-8080-exec-2] c.e.orders.OrderService : payment declined',
  '10.0.3.4 - - [29/Nov/2026:03:12:45 +0000] "POST /api/v1/orders HTTP/1.1" 503 0 "-" "curl/8.5.0"',
  '\tat com.example.orders.OrderService.place(OrderService.java:88)',
  'Exception in thread "main" java.lang.IllegalStateException: closed',
  'panic: runtime error: invalid memory address or nil pointer dereference',
  'dial tcp 10.0.0.5:5432: connect: Connection refused',
  '2026/11/29 03:12:45 [error] 31#31: *9 upstream timed out (110: Connection timed out) while reading',
  'level=error msg="sync failed" err="context deadline exceeded"',
  'FATAL:  password authentication failed for user "app"',
  'Caused by: java.net.SocketTimeoutException: Read timed out',
  '<--- JS stacktrace ---> FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  'WARN [scheduler] retrying in 1.5s (attempt 3)',
];

/** `count` lines of mixed web and app logs, `badShare` of them from BAD_LINES (each matches at least one rule). */
export function benchLines(count: number, badShare: number, seed = 42): string[] {
  const r = random(seed);
  return Array.from({ length: count }, (_, i) =>
    r() < badShare ? BAD_LINES[Math.floor(r() * BAD_LINES.length)]! : normalLine(r, i),
  );
}

/**
 * The alternative prefilter the automaton was measured against: one `iu` regex of every required literal as a gate,
 * then every pattern on the lines it lets through.
 */
function compileRegexGateMatcher(patterns: LogPattern[]): LogMatcher {
  const naive = compileNaiveLogMatcher(patterns);
  const literals = patterns.map(patternLiterals);
  if (literals.some((l) => l === undefined)) return naive;
  const gate = new RegExp([...new Set(literals.flat() as string[])].map(escapeRegExp).join('|'), 'iu');
  return { match: (text) => (gate.test(text) ? naive.match(text) : []) };
}

/** A bench pattern as a POSIX extended regex for GNU grep: `\\d`, `(?:`, and `ignoreCase` spelled out per letter. */
export function toExtendedRegex(pattern: LogPattern): string {
  const source = pattern.regex ?? (pattern.contains ?? '').replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const ere = source.replace(/\\d/g, '[0-9]').replace(/\(\?:/g, '(');
  if (!pattern.ignoreCase) return ere;
  return ere.replace(/\\.|\[[^\]]*\]|[a-zA-Z]/g, (token) => {
    if (token.startsWith('\\')) return token;
    if (token.startsWith('[')) return token.replace(/[a-zA-Z]/g, (c) => c.toLowerCase() + c.toUpperCase());
    return `[${token.toLowerCase()}${token.toUpperCase()}]`;
  });
}

type Cost = { cpuS: number; wallS: number; matchedLines: number; checksum: number };

/** One pass of `matcher` over all lines: CPU and wall time, lines with a match, and a checksum of every result. */
function pass(matcher: LogMatcher, lines: readonly string[]): Cost {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  let matchedLines = 0;
  let checksum = 0;
  for (let i = 0; i < lines.length; i++) {
    const hits = matcher.match(lines[i]!);
    if (hits.length > 0) matchedLines++;
    for (const id of hits) checksum = (checksum + (id + 1) * ((i % 9973) + 1)) % 0x7fffffff;
  }
  const used = process.cpuUsage(cpu);
  const wallS = Number(process.hrtime.bigint() - wall) / 1e9;
  return { cpuS: (used.user + used.system) / 1e6, wallS, matchedLines, checksum };
}

/** `grep -E -c` over the file with every pattern as one `-e`; CPU of grep itself from bash's `times`. */
function grepCount(patterns: LogPattern[], file: string): Cost {
  const args = patterns.flatMap((p) => ['-e', toExtendedRegex(p)]);
  const script = 'grep -E -c "$@" || true; times';
  const wall = process.hrtime.bigint();
  const out = execFileSync('bash', ['-c', script, 'grep', ...args, file], { env: { ...process.env, LC_ALL: 'C' } });
  const wallS = Number(process.hrtime.bigint() - wall) / 1e9;
  const [count, , children] = out.toString().trim().split('\n');
  const seconds = [...(children ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { cpuS: seconds.reduce((a, b) => a + b, 0), wallS, matchedLines: Number(count), checksum: 0 };
}

type Row = { rules: number; literalRules: number; fast: Cost; gate: Cost; naive: Cost; grep: Cost };

const TARGET_LINES_PER_S = 1e6;

function best(costs: Cost[]): Cost {
  return costs.reduce((a, b) => (b.cpuS < a.cpuS ? b : a));
}

function rate(lines: number, cost: Cost): string {
  return `${(lines / cost.cpuS / 1e6).toFixed(2)} (${(lines / cost.wallS / 1e6).toFixed(2)})`;
}

/** The markdown table: M lines per CPU second (per wall second in brackets), best of the rounds. */
function table(rows: Row[], lines: number): string[] {
  const header = [
    'rules',
    'rules with literals',
    'matching lines',
    'compileLogMatcher',
    'regex gate + naive',
    'naive (every regex)',
    'grep -E -c',
    'vs naive',
    'vs grep',
  ];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---:').join('|')}|`,
    ...rows
      .map((r) =>
        [
          r.rules,
          r.literalRules,
          r.grep.matchedLines === r.fast.matchedLines
            ? r.fast.matchedLines
            : `${r.fast.matchedLines} (grep ${r.grep.matchedLines})`,
          rate(lines, r.fast),
          rate(lines, r.gate),
          rate(lines, r.naive),
          rate(lines, r.grep),
          `${(r.naive.cpuS / r.fast.cpuS).toFixed(1)}x`,
          `${(r.grep.cpuS / r.fast.cpuS).toFixed(1)}x`,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
  ];
}

function measure(count: number, lines: readonly string[], file: string, rounds: number): Row {
  const patterns = BENCH_PATTERNS.slice(0, count);
  const matchers = {
    fast: compileLogMatcher(patterns),
    gate: compileRegexGateMatcher(patterns),
    naive: compileNaiveLogMatcher(patterns),
  };
  const costs: Record<keyof typeof matchers | 'grep', Cost[]> = { fast: [], gate: [], naive: [], grep: [] };
  for (let round = 0; round < rounds; round++) {
    for (const key of ['fast', 'gate', 'naive'] as const) costs[key].push(pass(matchers[key], lines));
    costs.grep.push(grepCount(patterns, file));
  }
  const fast = best(costs.fast);
  for (const other of [best(costs.gate), best(costs.naive)]) {
    if (other.checksum !== fast.checksum) throw new Error(`results differ from compileLogMatcher with ${count} rules`);
  }
  const literalRules = patterns.filter((p) => patternLiterals(p) !== undefined).length;
  return { rules: count, literalRules, fast, gate: best(costs.gate), naive: best(costs.naive), grep: best(costs.grep) };
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      lines: { type: 'string', default: '1000000' },
      'bad-share': { type: 'string', default: '0.03' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const count = Number(values.lines);
  const dir = mkdtempSync(join(tmpdir(), 'matcher-bench-'));
  try {
    const file = join(dir, 'lines.log');
    writeFileSync(file, benchLines(count, Number(values['bad-share'])).join('\n') + '\n');
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, count);
    for (const p of BENCH_PATTERNS) patternRegExp(p);
    const rows = [1, 10, 50].map((rules) => measure(rules, lines, file, Number(values.rounds)));
    const chars = lines.reduce((sum, l) => sum + l.length, 0);
    console.log(
      `${count} lines, ${(chars / count).toFixed(0)} chars on average; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log('M lines per CPU second (per wall second), best of the rounds:\n');
    console.log(table(rows, count).join('\n'));
    const fifty = rows[rows.length - 1]!;
    const perSecond = count / fifty.fast.cpuS;
    const verdict = perSecond >= TARGET_LINES_PER_S ? 'PASS' : 'MISS';
    console.log(`\n${verdict} at least 1 M lines/s per core with 50 rules: ${(perSecond / 1e6).toFixed(2)} M lines/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
