// What every benchmark reports to `bench/run.mjs`: one line per target, prefixed so the runner
// can gather them into one table. A row compares a figure with its baseline from the same run
// (or with an absolute limit) and says PASS or MISS; nothing here fails a process on timing.
import { readFileSync } from 'node:fs';

export const MARK = 'BENCH_ROW ';

/**
 * @param {{ target: string, basis: 'wall'|'cpu'|'mem'|'info', value: number, unit: string,
 *   baseline?: number, baselineLabel?: string, limit: number|null, op: '<='|'>='|'<',
 *   ratio?: boolean }} row  ratio: compare value/baseline with the limit instead of value.
 */
export function emit(row) {
  const ratio = row.baseline !== undefined && row.baseline > 0 ? row.value / row.baseline : undefined;
  const judged = row.ratio ? ratio : row.value;
  const pass =
    row.limit === null || judged === undefined
      ? null
      : row.op === '>='
        ? judged >= row.limit
        : row.op === '<'
          ? judged < row.limit
          : judged <= row.limit;
  process.stdout.write(`${MARK}${JSON.stringify({ ...row, ratioValue: ratio, pass })}\n`);
}

/**
 * CPU time (user + system, ms) of this process's children that have exited and been waited
 * for, from /proc (Linux). Ticks are 10 ms, but the counter is cumulative, so summing the
 * differences over many runs is accurate to about a tick per run divided by √runs.
 * Returns NaN where /proc is missing.
 */
export function childrenCpuMs() {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // cutime + cstime, USER_HZ = 100
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a running process has used so far, from /proc (Linux). */
export function processCpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime
  } catch {
    return NaN;
  }
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
