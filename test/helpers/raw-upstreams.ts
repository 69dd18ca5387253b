/**
 * Misbehaving upstreams on port 0 for fault tests: one that accepts connections and never
 * answers, and one that answers with a scripted raw HTTP byte stream and then hangs or cuts
 * the connection.
 */
import net, { type AddressInfo, type Socket } from 'node:net';

export interface RawUpstream {
  url: string;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/**
 * A TCP server that runs `onConnection` for each accepted socket. The default holds the
 * socket open forever and never writes a byte (the hung upstream).
 */
export async function startRawUpstream(onConnection: (sock: Socket) => void = () => undefined): Promise<RawUpstream> {
  const sockets = new Set<Socket>();
  const up: RawUpstream = { url: '', connections: 0, close: async () => undefined };
  const server = net.createServer((sock) => {
    up.connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    onConnection(sock);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  up.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  up.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return up;
}

/** Once the request head arrived, write `raw`; then `after`: hang with the socket open, or cut it. */
export function answerRaw(raw: string, after: 'hang' | 'cut'): (sock: Socket) => void {
  return (sock) => {
    let seen = '';
    sock.on('data', (chunk: Buffer) => {
      if (seen.includes('\r\n\r\n')) return;
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      sock.write(raw, () => {
        if (after === 'cut') sock.destroy();
      });
    });
  };
}
