/**
 * A set element's `timeout` and `expires` against its set's declaration, as the kernel checks them
 * when `nft -f` adds the element (kernel 6.18, nft 1.0.6): a set that has neither `flags timeout` nor
 * a `timeout` of its own takes no element timeout (EINVAL), an `expires` needs a timeout to count
 * down from (EOPNOTSUPP) and may not be longer than it (ERANGE).
 */
import type { NftToken } from "./tokenize-nft.ts";

/** What a set's declaration says of timeouts. */
export interface SetTimeouts {
  /** `flags timeout` or a set-level `timeout` was declared. */
  timeouts: boolean;
  /** The set-level `timeout`, in milliseconds. Default: none. */
  timeoutMs?: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** nft's time (`10s`, `1h30m`, `500ms`, `2d`) in milliseconds; undefined when not one (a bare number is not). */
export function nftDurationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce((ms, p) => ms + Number(p[1]) * (UNIT_MS[p[2] as string] as number), 0);
}

/** A problem of one element's options (`words`: the element's tokens), or undefined. */
export function elementTimeoutProblem(
  words: readonly NftToken[],
  set: SetTimeouts,
  name: string,
): { at: NftToken; message: string; hint: string } | undefined {
  let timeout: number | undefined;
  let expires: number | undefined;
  for (let k = 0; k < words.length - 1; k++) {
    const w = (words[k] as NftToken).value;
    if (w !== "timeout" && w !== "expires") continue;
    const value = words[k + 1] as NftToken;
    const ms = nftDurationMs(value.value);
    if (ms === undefined)
      return {
        at: value,
        message: `'${w} ${value.value}': nft reads a time with its unit (10s, 5m, 1h30m, 500ms) and refuses a bare number ("syntax error, unexpected number, expecting string")`,
        hint: `write e.g. '${w} ${/^\d+$/.test(value.value) ? `${value.value}s` : "30s"}'`,
      };
    if (w === "timeout") timeout = ms;
    else expires = ms;
  }
  const at = words[0] as NftToken;
  if ((timeout !== undefined || expires !== undefined) && !set.timeouts)
    return {
      at,
      message: `set ${name}: an element with ${timeout !== undefined ? "a timeout" : "an expires"} needs a set that times its elements out: the kernel refuses it ("Could not process rule: Invalid argument")`,
      hint: "add 'flags timeout;' (or a 'timeout' of its own) to the set's declaration",
    };
  const limit = timeout ?? set.timeoutMs;
  if (expires !== undefined && limit === undefined)
    return {
      at,
      message: `set ${name}: 'expires' counts down from a timeout, and neither the element nor the set has one: the kernel refuses it ("Could not process rule: Operation not supported")`,
      hint: "give the element a 'timeout' (or the set a 'timeout') at least as long as its 'expires'",
    };
  if (expires !== undefined && limit !== undefined && expires > limit)
    return {
      at,
      message: `set ${name}: the element expires after its timeout ends (${expires / 1000}s > ${limit / 1000}s): the kernel refuses it ("Could not process rule: Numerical result out of range")`,
      hint: "make 'expires' at most the timeout",
    };
  return undefined;
}
