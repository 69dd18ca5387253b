import test from 'ava';
import { createLogger, formatLine } from '../src/log.js';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);

test('text lines are one line, logfmt-like, values with spaces quoted', (t) => {
  const line = formatLine('text', T, 'info', 'monitor.done', {
    monitor: 'expiry',
    duration_ms: 3,
    msg: 'two words',
    nl: 'a\nb',
    empty: '',
  });
  t.is(
    line,
    '2026-01-15T12:00:00.000Z info monitor.done monitor=expiry duration_ms=3 msg="two words" nl="a\\nb" empty=""',
  );
  t.false(line.includes('\n'));
});

test('json lines parse and carry time, level, event and fields', (t) => {
  const lines: string[] = [];
  const log = createLogger({ format: 'json', write: (l) => lines.push(l), now: () => T });
  log.warn('monitor.skipped', { monitor: 'validity', reason: 'overlap' });
  log.error('config.reload_refused', { key: 'monitor.schedules.expiry', detail: 'bad\ncron' });
  t.is(lines.length, 2);
  for (const l of lines) t.false(l.includes('\n'));
  t.deepEqual(JSON.parse(lines[0] as string), {
    time: '2026-01-15T12:00:00.000Z',
    level: 'warn',
    event: 'monitor.skipped',
    monitor: 'validity',
    reason: 'overlap',
  });
  t.is(JSON.parse(lines[1] as string).key, 'monitor.schedules.expiry');
});

test('a throwing sink never throws into the monitor', (t) => {
  const log = createLogger({
    format: 'text',
    write: () => {
      throw new Error('EPIPE');
    },
  });
  t.notThrows(() => log.info('x'));
});
