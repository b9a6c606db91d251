import type { IncomingMessage } from 'node:http';

/** Beyond this a sender is not a client that made a mistake: stop reading and close. */
const MAX_DRAINED_BYTES = 16 * 1024 * 1024;
const MAX_DRAIN_MS = 10_000;

/**
 * Reads and discards the rest of a request body the hub has refused (413). Answering while the
 * client is still writing, then closing, resets the connection under it: the client sees EPIPE or
 * ECONNRESET instead of the 413. Reading to the end first lets it finish writing and read the
 * answer. Bounded, so a client cannot hold the connection open by sending without end.
 */
export function drainBody(request: IncomingMessage): Promise<void> {
  if (request.readableEnded || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let drained = 0;
    const done = () => {
      clearTimeout(timer);
      request.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > MAX_DRAINED_BYTES) done();
    };
    const timer = setTimeout(done, MAX_DRAIN_MS);
    request.on('data', onData).on('end', done).on('close', done).on('error', done);
    request.resume();
  });
}
