/**
 * Lingering close: how the service closes a connection whose client is still sending (an oversized upload, headers
 * past the cap, a CONNECT). Closing a socket with unread bytes makes the kernel answer with a TCP reset, and a reset
 * can destroy the error response the client has not read yet: a fast 100 MB upload saw `ECONNRESET` instead of its
 * 413. So the service ends its side first, keeps reading (and dropping) what still arrives, and closes once the client
 * has finished or {@link LINGER_MS} have passed (as nginx's `lingering_close`).
 *
 * @internal
 * @module
 */
import type { Socket } from 'node:net';

/** How long a closing connection keeps draining a client that is still sending, ms. @internal */
export const LINGER_MS = 5_000;

/**
 * Ends `socket` (after what was written), drains what the client still sends, and destroys it when the client ends
 * or after `lingerMs`.
 *
 * @internal
 */
export function closeLingering(socket: Socket, lingerMs = LINGER_MS): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // Once the client has ended its side nothing is left unread: closing now sends no reset.
  socket.once('end', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  // No 'data' listener: node:http's parser reads the socket natively and would hand it back to a stream whose reading
  // it had stopped. Flowing without listeners drops what arrives; a pause/resume pair restarts reading even when the
  // parser stopped the handle under a flowing stream (when a request body backed up).
  socket.pause();
  socket.resume();
  socket.end();
}

/**
 * Makes the `node:http` server close `socket` lingering once the current response is written: with
 * `Connection: close` it calls `socket.destroySoon()`, which would close with the rest of an upload unread.
 *
 * @internal
 */
export function lingerAfterResponse(socket: Socket | null | undefined, lingerMs = LINGER_MS): void {
  if (socket === null || socket === undefined || socket.destroyed) return;
  (socket as Socket & { destroySoon?: () => void }).destroySoon = () => closeLingering(socket, lingerMs);
}
