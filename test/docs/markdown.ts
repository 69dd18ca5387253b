/**
 * Just enough markdown for the docs tests: the files, their anchors (GitHub's heading slugs
 * and `<a id>`), their relative links and their paragraphs, all outside fenced code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and every docs/*.md, as repo-relative paths. */
export function docFiles(): string[] {
  return [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
}

export const readDoc = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

/** The text with fenced code blocks blanked (line count kept, so line numbers stay right). */
export function withoutCode(text: string): string {
  let fence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fence = !fence;
        return '';
      }
      return fence ? '' : line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading: inline markup dropped, lower case, punctuation removed, spaces to '-'. */
export function slug(heading: string): string {
  const text = heading
    .replace(/<[^>]*>/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, (c) => (c === '_' ? '_' : ''))
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a file defines: heading slugs (repeats get -1, -2…) and explicit `<a id>`s. */
export function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const prose = withoutCode(text);
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of prose.matchAll(/<a\s+id="([^"]+)"/g)) out.add(m[1] as string);
  return out;
}

export interface Link {
  line: number;
  target: string;
}

/** Markdown links `[text](target)` outside code, with their line numbers. */
export function links(text: string): Link[] {
  const out: Link[] = [];
  withoutCode(text)
    .split('\n')
    .forEach((line, i) => {
      const inline = line.replace(/`[^`]*`/g, '');
      for (const m of inline.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
        out.push({ line: i + 1, target: m[1] as string });
    });
  return out;
}

/** Paragraphs outside code (tables and list items included), whitespace-normalised. */
export function paragraphs(text: string): string[] {
  return withoutCode(text)
    .split(/\n\s*\n/)
    .flatMap((block) => block.split(/\n(?=\s*[-*] |\s*\d+\. )/))
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length > 0 && !/^#{1,6} /.test(p));
}
