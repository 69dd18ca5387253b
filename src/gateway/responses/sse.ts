/**
 * Incremental Server-Sent Events parsing: feed text as it arrives (events may be split
 * across network chunks anywhere, even inside a CRLF), get each complete event's `data`
 * once its blank line has arrived. Pure.
 */

/** One complete event: its `event:` name (if any) and its data lines joined by "\n". */
export interface SseEvent {
  event?: string;
  data: string;
}

export class SseParser {
  private buf = '';
  private data: string[] = [];
  private event: string | undefined;

  /** Parse `chunk`; returns the events it completed. */
  feed(chunk: string): SseEvent[] {
    this.buf += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const nl = this.buf.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      // A lone "\r" at the end may be the first half of "\r\n": wait for the next chunk.
      if (this.buf[nl] === '\r' && nl === this.buf.length - 1) break;
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + (this.buf.startsWith('\r\n', nl) ? 2 : 1));
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  /** The stream ended: an event not closed by a blank line still counts. */
  end(): SseEvent[] {
    const out = this.buf !== '' ? this.feed('\n') : [];
    const ev = this.line('');
    return ev ? [...out, ev] : out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = undefined;
        return null;
      }
      const ev: SseEvent = { ...(this.event ? { event: this.event } : {}), data: this.data.join('\n') };
      this.data = [];
      this.event = undefined;
      return ev;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    return null;
  }
}
