/**
 * Which of an installer's files already exist, and whether aipro wrote them: a file is ours
 * only when it carries the installer's managed marker. An unreadable file counts as foreign,
 * so nothing is overwritten or removed that we cannot prove is ours.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Split the `[name, path]` entries whose file exists into ours and someone else's (by name). */
export function splitManaged(
  entries: Iterable<readonly [name: string, path: string]>,
  marker: string,
): { ours: string[]; foreign: string[] } {
  const ours: string[] = [];
  const foreign: string[] = [];
  for (const [name, path] of entries) {
    if (!existsSync(path)) continue;
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      foreign.push(name);
      continue;
    }
    (text.includes(marker) ? ours : foreign).push(name);
  }
  return { ours, foreign };
}
