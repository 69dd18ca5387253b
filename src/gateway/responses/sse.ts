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
    const buf = this.buf + chunk;
    const out: SseEvent[] = [];
    let pos = 0;
    // Most streams use "\n" only: look for "\r" again only while one is still ahead.
    let cr = buf.indexOf('\r');
    for (;;) {
      const lf = buf.indexOf('\n', pos);
      if (cr >= 0 && cr < pos) cr = buf.indexOf('\r', pos);
      const nl = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (nl < 0) break;
      // A lone "\r" at the end may be the first half of "\r\n": wait for the next chunk.
      if (nl === cr && nl === buf.length - 1) break;
      const ev = this.line(buf.slice(pos, nl));
      if (ev) out.push(ev);
      pos = nl + (nl === cr && buf[nl + 1] === '\n' ? 2 : 1);
    }
    this.buf = buf.slice(pos);
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
