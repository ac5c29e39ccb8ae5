/**
 * The playground's Web Worker: parsing, ruleset reading and rule listings run
 * here, off the page's thread, so a paste of any size never freezes the page.
 */
import { ParseSession } from "./parse-session.ts";
import type { FromWorker, ToWorker } from "./worker-protocol.ts";

const session = new ParseSession();
const post = (message: FromWorker) => postMessage(message);

/** A Blob's bytes as an async iterable (the stream's reader, chunk by chunk). */
async function* chunksOf(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

addEventListener("message", async (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  try {
    if (m.type === "parse") {
      const started = performance.now();
      const summary = await session.parse(chunksOf(m.input), {
        file: m.file,
        prefixMap: m.prefixMap,
        total: m.input.size,
        onProgress: (p) => post({ type: "progress", request: m.request, ...p }),
      });
      post({ type: "parsed", request: m.request, summary, ms: performance.now() - started });
    } else if (m.type === "ruleset") {
      const diagnostics = await session.setRuleset(m.text);
      post({ type: "ruleset", request: m.request, diagnostics, reparse: await session.prefixesChanged() });
    } else {
      post({ type: "packet", request: m.request, detail: await session.packet(m.id) });
    }
  } catch (error) {
    post({
      type: "failed",
      request: m.request,
      message: error instanceof Error ? error.message : String(error),
    });
  }
});
