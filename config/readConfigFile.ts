import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './configError';
import { isMapping } from './keyPath';

/** Reads and parses a YAML config file; throws ConfigError if it is missing, unreadable or has YAML errors. */
export function readConfigFile(path: string, via?: string): unknown {
  const named = via ? `${path} (from ${via})` : path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError([`config file ${named} ${reason}`]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      const message = e.code === 'MULTIPLE_DOCS' ? 'the file holds more than one YAML document' : e.message;
      return `line ${line}, column ${col}: ${message}`;
    });
    throw new ConfigError(problems, path);
  }
  const value: unknown = doc.toJS();
  return value === null ? {} : dropNulls(value);
}

/** Removes keys whose value is null (`interval:` with nothing after it), so they take their defaults as in Helm. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isMapping(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, dropNulls(item)]),
  );
}
