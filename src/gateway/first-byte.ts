/**
 * Waiting for the first body bytes of a successful upstream answer before committing the
 * client to it: until a byte is forwarded, an upstream that goes silent (idle timeout) or
 * drops the connection can still be replaced by the next credential.
 */
import type { IncomingMessage } from 'node:http';

/**
 * Resolves null once `res` has body bytes buffered or has ended, or with the error that
 * ended it first. Reads nothing: the caller pipes `res` afterwards and gets every byte.
 */
export function firstByte(res: IncomingMessage): Promise<Error | null> {
  return new Promise((resolve) => {
    if (res.readableLength > 0 || res.readableEnded) return resolve(null);
    const done = (err: Error | null) => {
      res.off('readable', onReadable);
      res.off('error', onError);
      res.off('close', onClose);
      resolve(err);
    };
    // 'readable' keeps the stream paused (nothing is consumed); it also fires at the end.
    const onReadable = () => done(null);
    const onError = (err: Error) => done(err);
    const onClose = () => done(res.complete ? null : new Error('the upstream closed the answer before its first byte'));
    res.on('readable', onReadable);
    res.on('error', onError);
    res.on('close', onClose);
  });
}
