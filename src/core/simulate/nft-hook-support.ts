/**
 * nft expressions the kernel takes at some hooks only (nft_socket: prerouting, input and output, where a
 * packet meets a local socket; nft_tproxy: prerouting, before routing decides). The kernel refuses a rule
 * of a base chain at another hook ("Could not process rule: Operation not supported"; kernel 6.18, nft
 * 1.0.6). A regular chain's rule is checked when a base chain jumps to it, which is not followed here.
 */
import type { NftToken } from "./tokenize-nft.ts";

/** The hooks each expression is registered for, by the word that starts it. */
const HOOKS: Readonly<Record<string, readonly string[]>> = {
  socket: ["prerouting", "input", "output"],
  tproxy: ["prerouting"],
};

/** The first expression of the rule `words` that a base chain at `hook` cannot hold, with nft's refusal. */
export function unsupportedAtHook(
  words: readonly NftToken[],
  hook: string | undefined,
): { at: NftToken; message: string; hint: string } | undefined {
  if (!hook) return undefined;
  for (const w of words) {
    const hooks = w.type === "word" ? HOOKS[w.value] : undefined;
    if (!hooks || hooks.includes(hook)) continue;
    const list = hooks.length > 1 ? `${hooks.slice(0, -1).join(", ")} and ${hooks.at(-1)}` : hooks[0];
    return {
      at: w,
      message: `'${w.value}' is only valid in a chain of hook ${list}, not ${hook}: the kernel refuses the rule (nft: "Could not process rule: Operation not supported")`,
      hint:
        w.value === "tproxy"
          ? "put the rule in a prerouting chain (type filter, priority mangle), where a packet is taken before routing"
          : "look the socket up in prerouting or input (a packet coming in) or output (one the host sends)",
    };
  }
  return undefined;
}
