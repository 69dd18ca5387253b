/**
 * Help and error text commander prints, fitted for a terminal and cleaned of pasted secrets.
 * No commander import: the `aipro` entry re-exports these without loading it.
 */
import { wrapLine } from './table.js';

/**
 * commander echoes an unknown option or command word back ("unknown option '-xYz…'"). When a
 * pasted secret lands there (a token starting with '-', a key typed as a command), that echo
 * would print it; words that do not look like a flag or command name are hidden instead.
 */
export function hideSecretLookingWords(text: string): string {
  return text.replace(/(unknown (?:option|command) )'([^']*)'/g, (m, what: string, word: string) =>
    /^-{0,2}[A-Za-z][A-Za-z0-9-]{0,30}$/.test(word)
      ? m
      : `${what}(${word.length} characters, not shown: it does not look like a flag and may be a secret)`,
  );
}

/**
 * Help on a terminal: commander fits its own columns, but the prose added after them is
 * wrapped here. Unindented lines are prose and wrap to the width; indented lines are example
 * commands and stay whole, so they still paste as one command. Pipes get the text as is.
 */
export function fitHelp(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  const out: string[] = [];
  let para: string[] = [];
  // A paragraph (consecutive prose lines) that does not fit is re-flowed as a whole, so it
  // does not turn ragged; one that fits keeps its own line breaks.
  const flush = () => {
    if (para.some((l) => l.length > width)) out.push(...wrapLine(para.join(' '), width, ''));
    else out.push(...para);
    para = [];
  };
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) para.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}
