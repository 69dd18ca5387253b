/**
 * A real SMTP sink for tests (smtp-server + mailparser): optional STARTTLS with a self-signed
 * certificate made at test time (openssl), optional AUTH, every accepted mail parsed.
 * `stop()` / `start()` on the same port simulate an SMTP outage.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SelfSigned {
  key: string;
  cert: string;
  certPath: string;
  cleanup(): void;
}

/** A self-signed cert for CN=localhost (+ SAN 127.0.0.1) from the system's openssl. */
export function selfSignedCert(): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'aipro-cert-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyPath, 'utf8'),
    cert: readFileSync(certPath, 'utf8'),
    certPath,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  envelopeTo: string[];
  secure: boolean;
  user?: string;
}

export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  /** Sessions that upgraded with STARTTLS (or started secure). */
  tlsSessions: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `tls`: offer STARTTLS with this cert (or implicit TLS with `implicitTls`); `auth`: require
 * this user/password; `rejectRcpt`: answer RCPT TO with 550 for these addresses.
 */
export async function startSmtp(
  opts: {
    tls?: SelfSigned;
    implicitTls?: boolean;
    auth?: { user: string; pass: string };
    port?: number;
    rejectRcpt?: string[];
  } = {},
): Promise<SmtpSink> {
  const sink: SmtpSink = { port: opts.port ?? 0, mails: [], tlsSessions: 0, start, stop, close: stop };
  let server: SMTPServer | null = null;

  function make(): SMTPServer {
    return new SMTPServer({
      ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert, secure: Boolean(opts.implicitTls) } : {}),
      disabledCommands: [...(opts.tls ? [] : ['STARTTLS']), ...(opts.auth ? [] : ['AUTH'])],
      authOptional: !opts.auth,
      // With TLS available, AUTH is only accepted after STARTTLS (as real servers do).
      allowInsecureAuth: !opts.tls,
      logger: false,
      onSecure(_socket, _session, cb) {
        sink.tlsSessions += 1;
        cb();
      },
      onRcptTo(address, _session, cb) {
        if (opts.rejectRcpt?.includes(address.address)) {
          const err = new Error('mailbox unavailable') as Error & { responseCode: number };
          err.responseCode = 550;
          return cb(err);
        }
        cb();
      },
      onAuth(auth, _session, cb) {
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass)
          return cb(null, { user: auth.username });
        return cb(new Error('Invalid username or password'));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              sink.mails.push({
                parsed,
                raw,
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                secure: session.secure,
                ...(session.user ? { user: String(session.user) } : {}),
              });
              cb();
            })
            .catch(cb);
        });
      },
    });
  }

  async function start(): Promise<void> {
    server = make();
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(sink.port, '127.0.0.1', () => resolve());
    });
    sink.port = (s as unknown as { server: { address(): AddressInfo } }).server.address().port;
  }

  async function stop(): Promise<void> {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await start();
  return sink;
}
