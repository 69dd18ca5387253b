/**
 * Run the CLI two ways. `runCli` runs it in this process through `run(argv, io)` with the
 * test's env, cwd, stdin and a clock, capturing stdout and stderr: the same commands, files
 * and servers, without a Node start per command. `spawnCli` runs the built bundle
 * (`dist/cli/main.js`) as a child process, exactly as operators do; the smoke tests that are
 * about the process itself (bundle, signals, pipes, terminals, exit) use it.
 */
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import { type ProcessResult, runProcess } from './child.js';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export type CliResult = ProcessResult;

export interface CliOptions {
  env: Record<string, string>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** A writable that keeps what is written, as text. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
      this.emit('chunk');
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Run the CLI in-process with its own env, cwd (default HOME), stdin and clock (default the real one). */
export async function runCli(args: string[], opts: CliOptions & { now?: () => number }): Promise<CliResult> {
  const stdout = capture();
  const stderr = capture();
  const stdin = Readable.from(opts.input ? [Buffer.from(opts.input)] : [], { objectMode: false });
  const code = await run(args, {
    env: { ...opts.env },
    cwd: opts.cwd ?? opts.env.HOME ?? process.cwd(),
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    now: opts.now ?? (() => Date.now()),
  });
  return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
}

/** Run the built CLI as a child process (generous default timeout: the machine may be loaded). */
export function spawnCli(args: string[], opts: CliOptions): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], {
    env: opts.env,
    cwd: opts.cwd ?? opts.env.HOME,
    input: opts.input ?? '',
    timeoutMs: opts.timeoutMs,
  });
}

/** A command running in-process that the test talks to: it waits for prompts and types answers. */
export interface LiveCli {
  /** Resolves with stderr so far once it matches `re` (prompts and URLs go to stderr). */
  said(re: RegExp): Promise<string>;
  write(s: string): void;
  end(): void;
  done: Promise<CliResult>;
}

/** Start the CLI in-process with a live stdin, for interactive flows (OAuth login pastes). */
export function startCli(args: string[], opts: Omit<CliOptions, 'input'> & { now?: () => number }): LiveCli {
  const stdin = new PassThrough();
  const stdout = capture();
  const stderr = capture();
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  const check = () => {
    const text = stderr.text();
    for (const w of waiters.splice(0)) w.re.test(text) ? w.resolve(text) : waiters.push(w);
  };
  stderr.stream.on('chunk', check);
  const done = run(args, {
    env: { ...opts.env },
    cwd: opts.cwd ?? opts.env.HOME ?? process.cwd(),
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    now: opts.now ?? (() => Date.now()),
  }).then((code) => ({ code, signal: null, stdout: stdout.text(), stderr: stderr.text() }));
  return {
    said: (re) =>
      new Promise((resolve) => {
        waiters.push({ re, resolve });
        check();
      }),
    write: (s) => stdin.write(s),
    end: () => stdin.end(),
    done,
  };
}
