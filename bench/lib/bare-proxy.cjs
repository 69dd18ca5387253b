// The baseline of the gateway benchmark: the least a Node keep-alive proxy must do to pass
// one JSON request through to one upstream and its answer back — read the request body,
// send it upstream with an API key, pass the status, content type, request id and length
// back and pipe the body. No routing, no credentials, no parsing, no bookkeeping.
// It is held to the gateway's own transport settings so only the gateway's work differs:
// the same keep-alive agent options as src/http/client.ts and the same server timeouts as
// src/gateway/server.ts.
// Usage: node bench/lib/bare-proxy.cjs http://127.0.0.1:PORT  (prints "listening on URL")
const http = require('node:http');

const up = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: 256 });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers = {
      'content-type': 'application/json',
      'accept-encoding': 'identity',
      'content-length': body.length,
      'x-api-key': 'k',
    };
    const version = req.headers['anthropic-version'];
    if (version) headers['anthropic-version'] = version;
    const r = http.request({ host: up.hostname, port: up.port, path: req.url, method: 'POST', agent, headers }, (u) => {
      const out = { 'content-type': u.headers['content-type'] };
      if (u.headers['request-id']) out['request-id'] = u.headers['request-id'];
      if (u.headers['content-length']) out['content-length'] = u.headers['content-length'];
      res.writeHead(u.statusCode, out);
      u.pipe(res);
    });
    r.on('error', () => res.destroy());
    r.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
