/**
 * `captureHost` as a child process, so that a test can stop it at a named phase
 * (`PACKETWALK_TEST_PAUSE`) and signal or kill it without touching the test runner.
 *
 *   node host-capture-child.ts '<HostCaptureOptions as JSON, without execIn>'
 *
 * Containers run their commands with `ip netns exec <name>`.
 */
import { captureHost } from "../../../src/capture/host-capture.ts";

const options = JSON.parse(process.argv[2] ?? "{}");
try {
  const traces = await captureHost({
    ...options,
    execIn: (name: string) => ["ip", "netns", "exec", name],
    progress: (message: string) => process.stderr.write(`${message}\n`),
  });
  process.stderr.write(`recorded ${traces.map((t) => `${t.scenario}=${t.lines.length}`).join(" ")}\n`);
} catch (error) {
  process.stderr.write(`host capture failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
