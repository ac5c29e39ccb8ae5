/**
 * One capture at a time on this machine, whatever state folder each uses:
 * `nf_log_all_netns` is a single switch and `--cleanup` removes every lab
 * namespace by name, so two runs would spoil each other. The lock is an
 * abstract Unix socket (`@packetwalk-capture`): binding it is atomic, the kernel
 * frees it when the holder dies (even by `kill -9`), and it leaves no file
 * behind. The holder answers each connection with who it is.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

/** The abstract socket's name (Linux: a leading NUL byte means abstract). */
export const LOCK_SOCKET = "\0packetwalk-capture";

/** Who holds the lock, as the holder reports it. */
export interface LockHolder {
  pid: number;
  /** What the holder is doing, e.g. `capture run ab` or `--cleanup`. */
  what: string;
  /** The holder's state file. */
  stateFile: string;
}

/** Thrown when another process holds the capture lock. */
export class CaptureLockedError extends Error {
  /** The holder, when it answered. */
  readonly holder: LockHolder | undefined;
  constructor(holder: LockHolder | undefined) {
    super(
      holder
        ? `another capture is running on this machine (${holder.what}, pid ${holder.pid}, state file ${holder.stateFile}); wait for it to finish`
        : "another capture is running on this machine (it did not say which); wait for it to finish",
    );
    this.name = "CaptureLockedError";
    this.holder = holder;
  }
}

/** Asks the holder who it is; undefined when it does not answer within `timeoutMs` (default 1000). */
export function askHolder(timeoutMs = 1000): Promise<LockHolder | undefined> {
  return new Promise((resolve) => {
    let text = "";
    const socket = createConnection({ path: LOCK_SOCKET });
    const done = (holder: LockHolder | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(holder);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("error", () => done(undefined));
    socket.on("end", () => {
      try {
        done(JSON.parse(text) as LockHolder);
      } catch {
        done(undefined);
      }
    });
  });
}

/** A held lock. */
export interface CaptureLock {
  /** Frees the lock (idempotent). */
  release(): Promise<void>;
}

/**
 * Takes the machine-wide capture lock for `holder`; throws {@link CaptureLockedError}
 * when another process holds it. The socket does not keep the process alive.
 */
export async function acquireCaptureLock(holder: LockHolder): Promise<CaptureLock> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.end(JSON.stringify(holder));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ path: LOCK_SOCKET }, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== "EADDRINUSE") throw error;
    throw new CaptureLockedError(await askHolder());
  });
  server.unref();
  let released: Promise<void> | undefined;
  return {
    release: () => {
      released ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A client that never hangs up must not hold the release.
        for (const socket of sockets) socket.destroy();
      });
      return released;
    },
  };
}
