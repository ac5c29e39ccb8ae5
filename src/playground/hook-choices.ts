/** The chains the prefix-map form offers, and the check the CLI's `--prefix-map` makes. */
import { type HookId, isGivenHookId } from "../core/model/hook.ts";

/** Every built-in chain of iptables and ebtables, in the order a packet may meet them. */
export const HOOK_CHOICES: readonly HookId[] = [
  "bridge:broute:BROUTING",
  "bridge:nat:PREROUTING",
  "bridge:filter:INPUT",
  "bridge:filter:FORWARD",
  "bridge:nat:OUTPUT",
  "bridge:filter:OUTPUT",
  "bridge:nat:POSTROUTING",
  "ip:raw:PREROUTING",
  "ip:mangle:PREROUTING",
  "ip:nat:PREROUTING",
  "ip:mangle:INPUT",
  "ip:filter:INPUT",
  "ip:security:INPUT",
  "ip:nat:INPUT",
  "ip:mangle:FORWARD",
  "ip:filter:FORWARD",
  "ip:security:FORWARD",
  "ip:raw:OUTPUT",
  "ip:mangle:OUTPUT",
  "ip:nat:OUTPUT",
  "ip:filter:OUTPUT",
  "ip:security:OUTPUT",
  "ip:mangle:POSTROUTING",
  "ip:nat:POSTROUTING",
];

/** Whether `value` is a hook id a prefix map accepts (the same check as `packetwalk parse --prefix-map`'s). */
export function isHookId(value: string): value is HookId {
  return isGivenHookId(value);
}
