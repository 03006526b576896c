/** How a response's body ends: at its last chunk, after `Content-Length` bytes, or when the connection closes. */
export type BodyFraming = { kind: 'chunked' } | { kind: 'length'; bytes: number } | { kind: 'close' };

/** A response's status line and headers (names in lower case, repeated ones joined with ", "), and its framing. */
export type ResponseHead = {
  statusCode: number;
  statusText: string;
  headers: Record<string, string>;
  framing: BodyFraming;
};

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

/**
 * Parses an HTTP/1.x response head (the status line and header lines, without the blank line that ends it) as the
 * engine sends it; throws on anything else, so a stream that is not HTTP is refused instead of read as a body.
 */
export function parseResponseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const status = STATUS_LINE.exec(lines[0] as string);
  if (!status) throw new Error(`the engine's answer is not HTTP/1.x: ${JSON.stringify(text.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const header = HEADER_LINE.exec(line);
    if (!header) throw new Error(`bad header line in the engine's answer: ${JSON.stringify(line.slice(0, 80))}`);
    const name = (header[1] as string).toLowerCase();
    const value = header[2] as string;
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const statusCode = Number(status[1]);
  return { statusCode, statusText: status[2] ?? '', headers, framing: bodyFraming(statusCode, headers) };
}

/** RFC 9112 §6.3 for a response to a GET: chunked if the last transfer coding is; else Content-Length; else close. */
function bodyFraming(statusCode: number, headers: Record<string, string>): BodyFraming {
  if (statusCode === 204 || statusCode === 304 || statusCode < 200) return { kind: 'length', bytes: 0 };
  const te = headers['transfer-encoding'];
  if (te !== undefined) {
    const codings = te.split(',').map((c) => c.trim().toLowerCase());
    return codings[codings.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
  }
  const cl = headers['content-length'];
  if (cl === undefined) return { kind: 'close' };
  const values = new Set(cl.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only as string))
    throw new Error(`bad Content-Length in the engine's answer: ${JSON.stringify(cl)}`);
  return { kind: 'length', bytes: Number(only) };
}
