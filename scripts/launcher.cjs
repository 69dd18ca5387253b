#!/usr/bin/env node
// The `aipro` executable (dist/cli/main.js). It answers `--version` by itself and otherwise runs
// the CLI bundle (dist/cli/aipro.js) from a V8 code cache, so a cold start skips compiling the
// ~470 KB bundle and the functions the last run compiled lazily.
// The bundle is cached through vm.Script cachedData on every Node version (module.enableCompileCache
// on Node >= 22.1 serves only the external libraries some commands load).
// The cache lives in <state dir>/cache/, only when the state dir already exists (the first
// run must not create ~/.aipro with the wrong mode) and the cache is private to this user,
// keyed by the bundle's build hash, size and mtime, the Node version, arch and flags; V8
// rejects data from another V8 or flag set, and a rejected or unreadable cache just compiles
// the source. Writes are atomic (temp + rename); an unwritable directory is ignored.
// postbuild.mjs fills in the two placeholders below.
'use strict';
const VERSION = '__AIPRO_VERSION__';
const BUNDLE_HASH = '__AIPRO_BUNDLE_HASH__';

const argv = process.argv;
if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
  // commander would print the same line; building the whole program for it costs ~30 ms.
  process.stdout.write(`${VERSION}\n`);
  return;
}

const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const bundle = path.join(__dirname, 'aipro.js');

function cacheDir() {
  const env = process.env;
  if (env.AIPRO_NO_CODE_CACHE) return null;
  const home = env.HOME || require('node:os').homedir();
  const state = env.AIPRO_STATE_DIR ? path.resolve(env.AIPRO_STATE_DIR) : path.join(home, '.aipro');
  try {
    if (!fs.statSync(state).isDirectory()) return null;
  } catch {
    return null;
  }
  const dir = path.join(state, 'cache');
  try {
    if (!isPrivate(fs.statSync(dir))) return null;
  } catch {
    // Not there yet: created 0700 on the first write.
  }
  return dir;
}

/**
 * Code from the cache runs as aipro: only a directory or file that this user owns and nobody
 * else can write is used (a cache another account could plant would be code injection).
 */
function isPrivate(st) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  return st.uid === uid && (st.mode & 0o022) === 0;
}

/** FNV-1a: a short, dependency-free digest of the flags (node:crypto costs a few ms to load). */
function fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * The bundle calls no import() (postbuild.mjs checks), so it runs as a plain vm.Script. It is
 * written as one function expression taking the CommonJS module arguments: wrapping it here
 * would copy the 580 KB source into a second string on every start. Without `dir`, no cache.
 */
function runBundle(dir) {
  const vm = require('node:vm');
  let source = fs.readFileSync(bundle, 'utf8');
  let cachedData;
  let cache;
  if (dir) {
    const st = fs.statSync(bundle);
    const flags = fnv(`${process.execArgv.join(' ')}|${process.env.NODE_OPTIONS || ''}`);
    const build = `${BUNDLE_HASH}-${st.size}-${Math.trunc(st.mtimeMs)}`;
    const name = `aipro-${build}-${process.version}-${process.arch}-${flags}.v8`;
    cache = { name, file: path.join(dir, name) };
    try {
      const fd = fs.openSync(cache.file, 'r');
      try {
        if (isPrivate(fs.fstatSync(fd))) cachedData = fs.readFileSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {}
  }
  const script = new vm.Script(source, { filename: bundle, cachedData });
  source = null;
  if (cache && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit the data also holds every function this run compiled, not only the top level.
    process.once('exit', () => writeCache(dir, cache.file, cache.name, () => script.createCachedData()));
  }
  const mod = { exports: {}, id: bundle, filename: bundle, loaded: false, children: [], paths: [] };
  script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
}

function writeCache(dir, file, name, data) {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data(), { mode: 0o600 });
    fs.renameSync(tmp, file);
    // Caches of older builds or other Node versions are never read again.
    for (const other of fs.readdirSync(dir)) {
      if (other.startsWith('aipro-') && other.endsWith('.v8') && other !== name)
        fs.rmSync(path.join(dir, other), { force: true });
    }
  } catch {
    // A read-only or full disk only costs the next start its compile time.
  }
}

const dir = cacheDir();
if (dir) {
  // Node >= 22.1's compile cache serves the external libraries (express, prom-client…) that
  // some commands load. The bundle itself goes through the vm.Script cache on every version:
  // the compile cache keeps only what was compiled when the bundle was first loaded (209 KB,
  // no lazily compiled functions), and status --check measured 20 ms CPU more with it on
  // Node 24 than with the at-exit vm cache.
  if (typeof Module.enableCompileCache === 'function') {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      Module.enableCompileCache(path.join(dir, 'node-compile-cache'));
    } catch {}
  }
}
runBundle(dir);
