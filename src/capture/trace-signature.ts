/**
 * What must stay the same between two captures of one scenario, line by line:
 * the hook (LOG prefix without the run tag) and the packet's addresses, protocol
 * and TCP flags / ICMP type; or, for TRACE output, each verdict without the
 * random trace id. Timestamps, IP ids, ephemeral ports and sequence numbers vary.
 */

/** The signature of one LOG line; undefined for a line that is not one. */
export function logLineSignature(line: string): string | undefined {
  // The seed's prefixes have no trailing space: `...PREROUTEIN=docker0`.
  const prefix =
    /\] (?:pw[a-z0-9]{2}\/)?((?:iptable|ebtable)\/[a-z]+-[A-Z]+?|nft\/[a-z0-9]+\/[\w-]+\/[\w-]+?) ?IN=(\S*) OUT=(\S*)/.exec(
      line,
    );
  if (!prefix) return undefined;
  const field = (name: string) =>
    name === "IN" ? (prefix[2] ?? "") : (new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? "");
  if (prefix[1]?.startsWith("ebtable") || prefix[1]?.startsWith("nft/bridge/")) {
    const src = /IP SRC=([0-9.]+)/.exec(line)?.[1] ?? "";
    const dst = /IP DST=([0-9.]+)/.exec(line)?.[1] ?? "";
    const proto = /IP proto=(\d+)/.exec(line)?.[1] ?? "";
    return `${prefix[1]} in=${field("IN")} out=${field("OUT")} ${src}>${dst} proto=${proto}`;
  }
  const flags = ["SYN", "ACK", "PSH", "FIN", "RST"].filter((flag) => new RegExp(` ${flag}(?= )`).test(line));
  const detail = field("PROTO") === "ICMP" ? `type=${field("TYPE")}` : flags.join(",");
  return `${prefix[1]} in=${field("IN")} out=${field("OUT")} physin=${field("PHYSIN")} physout=${field("PHYSOUT")} ${field("SRC")}>${field("DST")} ${field("PROTO")} ${detail}`;
}

/** The signature of one `xtables-monitor --trace` line; undefined for other lines. */
export function traceLineSignature(line: string): string | undefined {
  const trace = /^ TRACE: \d+ [0-9a-f]+ (\S+)/.exec(line);
  if (trace) return `TRACE ${trace[1]}`;
  const packet = /^PACKET: \d+ [0-9a-f]+ (.*)$/.exec(line);
  if (!packet) return undefined;
  const keep = (packet[1] ?? "").split(" ").filter((part) => /^(IN|OUT|SRC|DST)=/.test(part));
  return `PACKET ${keep.join(" ")}`;
}

/**
 * The signature of one `nft monitor trace` line: the chain and what happened there (rule and
 * verdict, policy, or the packet's interfaces and addresses), without the random trace id.
 */
export function nftTraceLineSignature(line: string): string | undefined {
  const head = /^trace id [0-9a-f]+ (\S+ \S+ \S+) (.*)$/.exec(line);
  if (!head) return undefined;
  const rest = head[2] ?? "";
  if (rest.startsWith("packet: ")) {
    const keep = rest.match(/\b(?:iif|oif) "[^"]*"|\bip (?:saddr|daddr) \S+/g) ?? [];
    return `NFT ${head[1]} packet ${keep.join(" ")}`;
  }
  // Counters count earlier packets too: they vary from run to run.
  return `NFT ${head[1]} ${rest.replace(/counter packets \d+ bytes \d+/g, "counter").trim()}`;
}

/** The signatures of every LOG or TRACE line of `text`, in order. */
export function traceSignature(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const signature = logLineSignature(line) ?? traceLineSignature(line) ?? nftTraceLineSignature(line);
    if (signature) out.push(signature);
  }
  return out;
}
