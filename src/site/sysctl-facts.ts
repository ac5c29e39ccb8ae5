/**
 * Which of a trace's sysctls the site shows. A trace records the path sysctls of the host it was
 * recorded on (`import` takes them from `sysctl -a`), and some mean nothing in some labs: a
 * bridge-netfilter one (`net.bridge.bridge-nf-call-iptables`) or a bridge port's (`brport.*`)
 * acts on bridged frames only, so on a lab without a bridge it is left out. The trace index shows,
 * of the rest, those that set a trace apart from the other traces of its lab: a value every trace
 * has (`route_localnet=0`, the kernel's own default, in every trace of a lab) tells none apart.
 */
import type { Lab, TraceMeta } from "../core/trace-file/schema.ts";

/** Whether a host of `lab` has a bridge. */
export function labHasBridge(lab: Pick<Lab, "hosts">): boolean {
  return lab.hosts.some((h) => h.interfaces.some((i) => i.kind === "bridge"));
}

/** Whether sysctl `key` acts on anything in `lab`: a bridge's (`net.bridge.*`, `brport.*`) only where there is a bridge. */
export function sysctlApplies(key: string, lab: Pick<Lab, "hosts">): boolean {
  return !/^(net\.bridge\.|brport\.)/.test(key) || labHasBridge(lab);
}

/** The sysctls a trace page lists: the trace's own, without those that act on nothing in its lab. */
export function shownSysctls(meta: Pick<TraceMeta, "sysctls">, lab: Pick<Lab, "hosts">): [string, string][] {
  return Object.entries(meta.sysctls).filter(([k]) => sysctlApplies(k, lab));
}

/** A trace as {@link distinguishingSysctls} reads it. */
export interface TraceSysctls {
  meta: Pick<TraceMeta, "sysctls">;
  lab: Pick<Lab, "hosts" | "sysctls">;
}

/**
 * The sysctls that set `trace` apart from the other traces of its lab (`labTraces`, itself among
 * them), as the trace index shows them (`bridge-nf-call-iptables=0`): each that acts on something in
 * the lab and whose value, the trace's or else lab.json's (as the simulator takes it), is not the
 * same in every trace of the lab.
 */
export function distinguishingSysctls(trace: TraceSysctls, labTraces: readonly TraceSysctls[]): string[] {
  const value = (t: TraceSysctls, k: string) => t.meta.sysctls[k] ?? t.lab.sysctls[k];
  const own = { ...trace.lab.sysctls, ...trace.meta.sysctls };
  return Object.keys(own)
    .filter((k) => sysctlApplies(k, trace.lab))
    .filter((k) => labTraces.some((t) => value(t, k) !== own[k]))
    .map((k) => `${k.replace(/^net\.bridge\./, "")}=${own[k]}`)
    .sort();
}
