/**
 * Plain text tables for terminal output (no dependency; widths by string length), fitted to
 * the terminal's width on a TTY. Output to a pipe or file is never fitted: scripts parse it.
 */

/** One way to make a table narrower, tried in order until it fits. */
export type FitStep =
  /** Leave a column out. */
  | { drop: number }
  /** Show shorter cells (same row order) in a column, e.g. "in 3d" instead of a timestamp. */
  | { abbreviate: number; cells: string[] };

export interface Fit {
  /** Terminal width in columns. */
  width: number;
  steps: FitStep[];
}

/**
 * Columns padded to their widest cell. `paint(row, col, padded)` may colour a body cell after
 * padding, so escape codes never skew the widths; `col` is always the index in `header`, even
 * when `fit` dropped columns before it. With `fit`, the steps run in order until every line
 * fits; a table still too wide after them has its widest cells cut with "…".
 */
export function renderTable(
  header: string[],
  rows: string[][],
  indent = '',
  paint?: (row: number, col: number, padded: string) => string,
  fit?: Fit,
): string {
  let body = rows.map((r) => [...r]);
  let cols = header.map((_, i) => i);
  const widthsOf = () => cols.map((i) => Math.max((header[i] ?? '').length, ...body.map((r) => (r[i] ?? '').length)));
  const total = () => indent.length + widthsOf().reduce((a, b) => a + b, 0) + 2 * Math.max(0, cols.length - 1);
  if (fit) {
    for (const step of fit.steps) {
      if (total() <= fit.width) break;
      if ('drop' in step) cols = cols.filter((i) => i !== step.drop);
      else body = body.map((r, n) => r.map((c, i) => (i === step.abbreviate ? (step.cells[n] ?? c) : c)));
    }
    // Last resort: cut the widest column's cells one character at a time.
    for (let guard = 0; total() > fit.width && guard < 10_000; guard++) {
      const widths = widthsOf();
      const widest = cols[widths.indexOf(Math.max(...widths))] as number;
      const max = Math.max(...body.map((r) => (r[widest] ?? '').length)) - 1;
      if (max < Math.max(2, (header[widest] ?? '').length)) break;
      body = body.map((r) => r.map((c, i) => (i === widest ? ellipsize(c, max) : c)));
    }
  }
  const widths = widthsOf();
  const line = (cells: string[], row: number) =>
    indent +
    cols
      .map((col, k) => {
        const c = cells[col] ?? '';
        const padded = k === cols.length - 1 ? c : c.padEnd(widths[k] ?? 0);
        return paint && row >= 0 ? paint(row, col, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header, -1), ...body.map((r, i) => line(r, i))].join('\n');
}

function ellipsize(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The text as the terminal shows it (colour codes removed). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/**
 * Wrap one line at spaces to `width` visible columns; continuation lines start with
 * `hangIndent`. A word longer than a line is broken inside (paths, long ids).
 */
export function wrapLine(line: string, width: number, hangIndent = '    '): string[] {
  if (stripAnsi(line).length <= width) return [line];
  const out: string[] = [];
  let cur = '';
  let curLen = 0;
  const atLineStart = () => cur === '' || (out.length > 0 && cur === hangIndent);
  const newLine = () => {
    out.push(cur.trimEnd());
    cur = hangIndent;
    curLen = hangIndent.length;
  };
  // Each word with the spaces before it, kept while the line goes on (column padding).
  for (const m of line.matchAll(/( *)([^ ]+)/g)) {
    let sep = atLineStart() && out.length > 0 ? '' : (m[1] as string);
    let word = m[2] as string;
    let len = stripAnsi(word).length;
    if (!atLineStart() && curLen + sep.length + len > width) {
      newLine();
      sep = '';
    }
    if (curLen + sep.length + len > width) {
      // Longer than a whole line (a path, a long id): break inside; its colour is dropped.
      let plain = stripAnsi(word);
      cur += sep;
      curLen += sep.length;
      sep = '';
      while (curLen + plain.length > width && width > curLen) {
        cur += plain.slice(0, width - curLen);
        plain = plain.slice(width - curLen);
        newLine();
      }
      word = plain;
      len = plain.length;
    }
    cur += sep + word;
    curLen += sep.length + len;
  }
  out.push(cur.trimEnd());
  return out;
}

/** What layout asks of an output stream: a terminal says so and gives its width. */
export interface Tty {
  isTTY?: boolean;
  columns?: number;
}

/**
 * The width to fit output to: the terminal's columns when stdout is a TTY (COLUMNS when the
 * terminal does not say), or undefined (no fitting) for pipes, files and `--wide`.
 */
export function terminalWidth(
  stream: Tty,
  env: Record<string, string | undefined>,
  wide?: boolean,
): number | undefined {
  if (wide || !stream.isTTY) return undefined;
  const cols = stream.columns || Number(env.COLUMNS) || 80;
  return Math.max(40, cols);
}

/**
 * Whether to colour: FORCE_COLOR (any value but 0/false) turns it on even for a pipe and wins
 * over NO_COLOR, as in Node itself; FORCE_COLOR=0 or NO_COLOR turn it off; else only a TTY
 * that is not TERM=dumb gets colour.
 */
export function colorEnabled(stream: Tty, env: Record<string, string | undefined>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** ANSI colour per colorEnabled. */
export function colorizer(stream: Tty, env: Record<string, string | undefined>) {
  const on = colorEnabled(stream, env);
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), dim: wrap(2), bold: wrap(1) };
}
