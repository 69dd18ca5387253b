/**
 * Ids in HTTP response headers (`x-aipro-auth-profile`). Node refuses a header value with a
 * character outside Latin-1 (and clients mangle anything outside printable ASCII), so a value
 * is sent percent-encoded as UTF-8 bytes (RFC 3986 style): every byte outside `!`..`~`, and `%`
 * itself, becomes `%XX`. Printable-ASCII ids (`openai:me@example.com`) pass unchanged;
 * `anthropic:中文` becomes `anthropic:%E4%B8%AD%E6%96%87`. Clients decode with decodeURIComponent.
 */
export function headerValue(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    out +=
      byte >= 0x21 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
