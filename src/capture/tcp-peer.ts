/**
 * A tiny TCP server or client for the published-port scenario, run inside a lab
 * namespace with `ip netns exec ... node tcp-peer.ts`. Pauses between steps keep
 * the segment sequence the same on every run (SYN, SYN-ACK, ACK, data, ACK, FIN-ACK, FIN-ACK, ACK).
 *
 *   node tcp-peer.ts server <port>
 *   node tcp-peer.ts client <host> <port> <local-address>
 */
import { createConnection, createServer } from "node:net";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Bounded whatever happens.
setTimeout(() => process.exit(3), 5000).unref();

const [mode, ...rest] = process.argv.slice(2);
if (mode === "server") {
  const port = Number(rest[0]);
  const server = createServer((socket) => {
    // allowHalfOpen is false: Node answers the client's FIN with its own at once, before the
    // kernel's delayed ACK fires, so the ACK rides on that FIN on every run.
    socket.on("data", () => {});
    socket.on("close", () => server.close());
  });
  server.listen(port, "0.0.0.0", () => process.stdout.write("listening\n"));
} else if (mode === "client") {
  const [host, port, localAddress] = rest;
  const socket = createConnection({ host, port: Number(port), localAddress }, () => {
    void (async () => {
      await pause(150);
      socket.write("hello\n");
      await pause(150);
      socket.end();
    })();
  });
  socket.on("data", () => {});
  socket.on("close", (hadError) => process.exit(hadError ? 1 : 0));
  socket.on("error", (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
} else {
  process.stderr.write("usage: tcp-peer.ts server <port> | client <host> <port> <local-address>\n");
  process.exit(2);
}
