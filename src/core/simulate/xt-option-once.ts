/**
 * An option given twice in one match (`-m hashlimit --hashlimit-upto 5/s --hashlimit-upto 6/s`):
 * iptables 1.8.9 refuses the rule ("hashlimit: option "--hashlimit-upto" can only be used once."),
 * checked for each module listed here; a second `-m` of the module starts a match of its own.
 */
import { IPTABLES_LONG } from "./xt-long-options.ts";

/** Modules whose options iptables-restore was seen to take once each (tcp and policy say it otherwise). */
const ONCE = new Set(
  "addrtype comment connmark conntrack dscp hashlimit helper icmp iprange length limit mac mark multiport owner physdev pkttype recent state statistic string tcpmss time ttl udp".split(
    " ",
  ),
);

/** The names iptables reports an option by. */
const NAMED: Readonly<Record<string, string>> = {
  "--dports": "--destination-ports",
  "--sports": "--source-ports",
  "--dport": "--destination-port",
  "--sport": "--source-port",
  "--hashlimit": "--hashlimit-upto",
  "--ttl": "--ttl-eq",
};

/** Options of a protocol's match, read by it whatever `-m` came last. */
const PROTO_OPTION = /^--(dport|sport|destination-port|source-port|syn|tcp-flags|tcp-option|icmp-type)$/;

/**
 * Records option `opt` of `-m module` in `seen` (the options of that match so far) and returns
 * iptables-restore's refusal when it was given before, or undefined.
 */
export function optionTwice(
  module: string | undefined,
  opt: string,
  seen: Set<string>,
): { message: string; hint: string } | undefined {
  if (!module || !ONCE.has(module) || !opt.startsWith("--") || IPTABLES_LONG.includes(opt)) return undefined;
  if (PROTO_OPTION.test(opt) && module !== "udp" && module !== "icmp") return undefined;
  const name = NAMED[opt] ?? opt;
  if (!seen.has(name)) {
    seen.add(name);
    return undefined;
  }
  return {
    message: `'${opt}' is given twice in one -m ${module}: iptables-restore refuses it ("${module}: option "${name}" can only be used once.")`,
    hint: "give it once: a second test needs a -m of its own",
  };
}
