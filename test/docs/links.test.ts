/** Every relative link in README.md and docs/*.md leads to a file that exists, and to an anchor it defines. */
import test from 'ava';
import { existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ROOT, anchors, docFiles, links, readDoc, slug } from './markdown.js';

test('slug follows GitHub for the headings the docs use', (t) => {
  t.is(slug('`aipro models status`'), 'aipro-models-status');
  t.is(slug('`aipro models auth …`'), 'aipro-models-auth-');
  t.is(slug('Live probes: `aipro models status --probe`'), 'live-probes-aipro-models-status---probe');
  t.is(slug('`order get|set|clear`'), 'order-getsetclear');
  t.is(slug("Dead-man's switch (`monitor.heartbeat`)"), 'dead-mans-switch-monitorheartbeat');
  t.is(slug('Textfile alternative (node_exporter)'), 'textfile-alternative-node_exporter');
});

test('every relative link and #anchor in the docs resolves', (t) => {
  const files = docFiles();
  t.true(files.length >= 10, files.join(', '));
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (rel: string) => {
    if (!anchorCache.has(rel)) anchorCache.set(rel, anchors(readDoc(rel)));
    return anchorCache.get(rel) as Set<string>;
  };
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    for (const { line, target } of links(readDoc(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      checked++;
      const [path = '', anchor] = target.split('#');
      const rel = path === '' ? file : relative(ROOT, normalize(join(ROOT, dirname(file), decodeURIComponent(path))));
      if (!existsSync(join(ROOT, rel))) {
        broken.push(`${file}:${line}: ${target} (no file ${rel})`);
        continue;
      }
      if (anchor !== undefined && rel.endsWith('.md') && !anchorsOf(rel).has(anchor))
        broken.push(`${file}:${line}: ${target} (no anchor #${anchor} in ${rel})`);
    }
  }
  t.true(checked >= 30, `links checked: ${checked}`);
  t.deepEqual(broken, []);
});
