/**
 * `email` channel: one readable mail (text + HTML) per notification over SMTP, with implicit
 * TLS (`secure: true`) or STARTTLS (`starttls: auto|required|off`). The idempotency key is the
 * Message-ID, so a resent mail is recognisably the same mail.
 */
import { readFileSync } from 'node:fs';
import { emailSettings } from '../../config/channels.js';
import { redact } from '../../store/secrets.js';
import { htmlBody, subjectLine, textBody } from '../render.js';
import type { Channel, DeliveryResult, Notification, SendContext } from '../types.js';
import { resolveOrRetry } from './http.js';
import type { BuildContext } from '../types.js';

/** `<episode.kind.threshold@aipro.host>`: stable across retries. */
export function messageId(n: Notification): string {
  const host = n.host.replace(/[^A-Za-z0-9.-]/g, '-') || 'localhost';
  return `<${n.key.replace(/[^A-Za-z0-9._-]/g, '.')}@aipro.${host}>`;
}

/** SMTP 5xx on the envelope or message is permanent; everything else can succeed later. */
function classify(err: unknown, where: string, secrets: string[]): DeliveryResult {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const permanent =
    typeof e.responseCode === 'number' && e.responseCode >= 500 && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE');
  const detail = redact(
    `SMTP ${where}: ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message ?? String(err)}`,
    secrets,
  );
  return { ok: false, retry: !permanent, detail };
}

export function buildEmail(name: string, raw: Record<string, unknown>, ctx: BuildContext): Channel {
  const prefix = `alerts.channels.${name}`;
  const { to, from, host, port, secure, starttls, user, pass, ca, rejectUnauthorized, timeoutMs } = emailSettings(
    name,
    raw,
    {
      host: ctx.host,
      listen: ctx.config.monitor.listen,
    },
  );
  const where = `${host}:${port}`;

  async function send(n: Notification, sctx: SendContext): Promise<DeliveryResult> {
    let password: string | undefined;
    if (pass !== undefined) {
      const r = resolveOrRetry(pass, `${prefix}.smtp.pass`, ctx.env);
      if (!r.ok) return r.result;
      password = r.value;
    }
    let caPem: string | undefined;
    if (ca) {
      try {
        caPem = readFileSync(ca, 'utf8');
      } catch (err) {
        return {
          ok: false,
          retry: true,
          detail: `${prefix}.smtp.ca: cannot read ${ca} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        };
      }
    }
    const nodemailer = (await import('nodemailer')).default;
    const transport = nodemailer.createTransport({
      host,
      port,
      secure,
      requireTLS: starttls === 'required',
      ignoreTLS: starttls === 'off',
      ...(user ? { auth: { user, pass: password } } : {}),
      tls: { rejectUnauthorized, ...(caPem ? { ca: caPem } : {}) },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    const abort = () => transport.close();
    sctx.signal.addEventListener('abort', abort, { once: true });
    try {
      const info = await transport.sendMail({
        from,
        to,
        subject: subjectLine(n, sctx.now),
        text: textBody(n, sctx.now),
        html: htmlBody(n, sctx.now),
        messageId: messageId(n),
        date: new Date(sctx.now),
        headers: { 'X-Aipro-Idempotency-Key': n.key, 'X-Aipro-Kind': n.kind },
      });
      return { ok: true, detail: `accepted by ${where} (${info.accepted.length} recipient(s))` };
    } catch (err) {
      return classify(err, where, password ? [password] : []);
    } finally {
      sctx.signal.removeEventListener('abort', abort);
      transport.close();
    }
  }

  return { name, type: 'email', timeoutMs, send };
}
