/**
 * Runs `packetwalk capture --host`'s recorder against the "edge" namespace lab of
 * record-foreign.sh (its host namespace plays the Docker host, `ip netns exec` plays
 * `docker exec`) and writes the folders `packetwalk import` reads.
 *
 *   node host-capture-driver.ts OUT_DIR   (run by record-foreign.sh OUT_DIR --host-capture)
 */
import { captureHost, writeHostFolders } from "../../../src/capture/host-capture.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: host-capture-driver.ts OUT_DIR");
const containers = [
  { name: "web", ip: "10.77.0.2" },
  { name: "db", ip: "10.77.0.3" },
];
const log = (m: string) => process.stderr.write(`${m}\n`);
const traces = await captureHost({
  containers,
  netns: "pwimp-h",
  execIn: (name) => ["ip", "netns", "exec", `pwimp-${name}`],
  bridgeIp: "10.77.0.1",
  progress: log,
});
writeHostFolders(traces, out, containers, log);
