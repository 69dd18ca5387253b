/** Plain text tables for terminal output (no dependency; widths by string length). */

/**
 * Columns padded to their widest cell. `paint(row, col, padded)` may colour a body cell after
 * padding, so escape codes never skew the widths.
 */
export function renderTable(
  header: string[],
  rows: string[][],
  indent = '',
  paint?: (row: number, col: number, padded: string) => string,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], row: number) =>
    indent +
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0);
        return paint && row >= 0 ? paint(row, i, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header, -1), ...rows.map((r, i) => line(r, i))].join('\n');
}

/** ANSI colour only on a TTY and when NO_COLOR is unset. */
export function colorizer(stream: NodeJS.WriteStream, env: Record<string, string | undefined>) {
  const on = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), dim: wrap(2), bold: wrap(1) };
}
