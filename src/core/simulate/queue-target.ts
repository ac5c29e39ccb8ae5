/**
 * Targets that hand the packet to a userspace program through a netfilter queue: iptables'
 * `-j NFQUEUE` and `-j QUEUE` (queue 0), nft's `queue` statement. The program's verdict is not in
 * the ruleset, so the simulator takes the common case, an IPS or a filter daemon that lets the
 * packet through: the kernel then resumes at the next base chain or hook (nf_reinject), never at
 * the queuing chain's next rule. The outcome is uncertain from there.
 */

/** Target names (as the readers keep an unknown target's name) that queue the packet. */
export const QUEUE_TARGETS: ReadonlySet<string> = new Set(["NFQUEUE", "QUEUE", "queue"]);

/** Whether the queue target written `text` lets the packet go on when no program listens (`--queue-bypass`, nft `bypass`). */
export function queueBypass(text: string): boolean {
  return /(?:^|[\s,])(?:--queue-bypass|bypass)(?=$|[\s,])/.test(text);
}

/** The readers' warning for a queue target written `text` (what the simulator assumes, and why it is uncertain). */
export function queueWarning(text: string): { message: string; hint: string } {
  return {
    message: `'${text}' hands the packet to a userspace program (a netfilter queue), which decides its fate`,
    hint: `the simulator takes the program as accepting the packet: it goes on at the next hook (the rules after this one do not run), and the result is uncertain from there; ${
      queueBypass(text)
        ? "with bypass, a packet no program is listening for goes on the same way"
        : "when no program listens on the queue the kernel drops the packet (add --queue-bypass, nft 'bypass', to let it through instead)"
    }`,
  };
}

/** What the simulator's report says at a queue target written `text` (its unmodelled entry). */
export function queueUnmodelled(text: string): string {
  return `${text}: a userspace program decides; taken as accepting the packet, which goes on at the next hook${
    queueBypass(text) ? "" : " (none listening: the kernel drops it)"
  }`;
}
