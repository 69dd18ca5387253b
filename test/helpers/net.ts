/** Ports for tests. Servers under test listen on port 0; this is for the few that cannot. */
import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port that was free a moment ago (bound then released): for programs that cannot listen on port 0 and report it,
 * or a port nothing listens on.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
