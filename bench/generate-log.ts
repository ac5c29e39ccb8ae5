/**
 * Writes synthetic kernel LOG files with many distinct flows, the way the lab's
 * LOG rules print them: container->WAN pings and DNS with MASQUERADE,
 * container<->container pings, WAN->published-port TCP connections with DNAT;
 * each packet seen at 7-10 hooks with the seed's `iptable/<table>-<CHAIN>`
 * prefixes, several flows in flight at once, deterministic for a given size.
 * Shared by the parse benchmark and the parallel-parse tests.
 */
import { closeSync, openSync, writeSync } from "node:fs";

const TAG = "pwbn";
const HOST_WAN = "203.0.113.2";
const BRIDGE_MAC = "02:42:5e:1a:b0:01";
const WAN_MACS = "52:54:00:12:34:02:52:54:00:12:34:01:08:00";

/** Deterministic PRNG (mulberry32), so every run parses the same file. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Container `k` of 1000 on docker0: address and MAC. */
function container(k: number): { ip: string; mac: string; veth: string } {
  const i = 2 + (k % 1000);
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return {
    ip: `172.17.${i >> 8}.${i & 255}`,
    mac: `02:42:ac:11:${hex(i >> 8)}:${hex(i & 255)}`,
    veth: `veth${i}`,
  };
}

/** The IP header and L4 part of one packet, as the LOG target prints them. */
interface Hdr {
  src: string;
  dst: string;
  len: number;
  id: number;
  df: boolean;
  /** Everything from `PROTO=` on. */
  l4: string;
  /** ebtables `--log-ip` tail after `IP proto=`. */
  ebt: string;
}

/** Writes the lines of one packet; `t` is the uptime clock. */
class Lines {
  out: string[] = [];
  t = 1000;
  private ts(): string {
    this.t += 0.000003 + (this.out.length % 7) * 0.000001;
    return `[${this.t.toFixed(6).padStart(12, " ")}]`;
  }
  log(hook: string, ifs: string, mac: string | undefined, h: Hdr, ttl: number): void {
    this.out.push(
      `${this.ts()} ${TAG}/iptable/${hook}${ifs} ${mac ? `MAC=${mac} ` : ""}SRC=${h.src} DST=${h.dst} LEN=${h.len} TOS=0x00 PREC=0x00 TTL=${ttl} ID=${h.id} ${h.df ? "DF " : ""}PROTO=${h.l4} `,
    );
  }
  /** Joins the last two lines into one entry, so they are written next to each other. */
  glue(): void {
    const last = this.out.pop() as string;
    this.out[this.out.length - 1] += `\n${last}`;
  }
  ebt(hook: string, ifs: string, macSrc: string, macDst: string, h: Hdr | undefined): void {
    this.out.push(
      `${this.ts()} ${TAG}/ebtable/${hook} ${ifs} MAC source = ${macSrc} MAC dest = ${macDst} proto = 0x0800${h ? ` IP SRC=${h.src} IP DST=${h.dst}, IP tos=0x00, IP proto=${h.ebt}` : ""}`,
    );
  }
}

/** A routed packet from container `c` out of eth0 (MASQUERADE to the host's WAN address after POSTROUTING). */
function outToWan(w: Lines, c: ReturnType<typeof container>, h: Hdr, first: boolean): void {
  const mac = `${BRIDGE_MAC}:${c.mac}:08:00`;
  const pre = `IN=docker0 OUT= PHYSIN=${c.veth}`;
  const fwd = `IN=docker0 OUT=eth0 PHYSIN=${c.veth}`;
  w.ebt("nat-PREROUTE", `IN=${c.veth} OUT=`, c.mac, BRIDGE_MAC, h);
  w.log("raw-PREROUTE", pre, mac, h, 64);
  w.log("mangle-PREROUTE", pre, mac, h, 64);
  if (first) w.log("nat-PREROUTE", pre, mac, h, 64);
  w.ebt("filter-INPUT", `IN=${c.veth} OUT=`, c.mac, BRIDGE_MAC, h);
  w.log("mangle-FORWARD", fwd, mac, h, 63);
  w.log("filter-FORWARD", fwd, mac, h, 63);
  w.log("mangle-POSTROUTE", fwd, mac, h, 63);
  if (first) w.log("nat-POSTROUTE", fwd, mac, h, 63);
}

/** A packet from the WAN to container `c`: `h` before and `d` after the (de-)NAT in PREROUTING. */
function inFromWan(w: Lines, c: ReturnType<typeof container>, h: Hdr, d: Hdr, first: boolean): void {
  w.log("raw-PREROUTE", "IN=eth0 OUT=", WAN_MACS, h, 64);
  w.log("mangle-PREROUTE", "IN=eth0 OUT=", WAN_MACS, h, 64);
  if (first) w.log("nat-PREROUTE", "IN=eth0 OUT=", WAN_MACS, h, 64);
  w.log("mangle-FORWARD", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  w.log("filter-FORWARD", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  w.log("mangle-POSTROUTE", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  if (first) w.log("nat-POSTROUTE", "IN=eth0 OUT=docker0", WAN_MACS, d, 63);
  w.ebt("filter-OUTPUT", `IN= OUT=${c.veth}`, BRIDGE_MAC, c.mac, d);
  // Real captures show nat OUTPUT both with and without the --log-ip tail. Without it the
  // parser ties the line to a recent packet by MAC, so it follows filter OUTPUT directly.
  w.ebt("nat-OUTPUT", `IN= OUT=${c.veth}`, BRIDGE_MAC, c.mac, first ? d : undefined);
  if (!first) w.glue();
}

/** A bridged packet from container `a` to container `b` (bridge-nf-call-iptables=1). */
function bridged(w: Lines, a: ReturnType<typeof container>, b: ReturnType<typeof container>, h: Hdr): void {
  const mac = `${b.mac}:${a.mac}:08:00`;
  const pre = `IN=docker0 OUT= PHYSIN=${a.veth}`;
  const fwd = `IN=docker0 OUT=docker0 PHYSIN=${a.veth} PHYSOUT=${b.veth}`;
  w.ebt("nat-PREROUTE", `IN=${a.veth} OUT=`, a.mac, b.mac, h);
  w.log("raw-PREROUTE", pre, mac, h, 64);
  w.log("mangle-PREROUTE", pre, mac, h, 64);
  w.ebt("filter-FORWARD", `IN=${a.veth} OUT=${b.veth}`, a.mac, b.mac, h);
  w.log("mangle-FORWARD", fwd, mac, h, 64);
  w.log("filter-FORWARD", fwd, mac, h, 64);
  w.ebt("nat-POSTROUTE", `IN= OUT=${b.veth}`, a.mac, b.mac, h);
  w.log("mangle-POSTROUTE", `IN= OUT=docker0 PHYSIN=${a.veth} PHYSOUT=${b.veth}`, undefined, h, 64);
}

const icmp = (src: string, dst: string, id: number, type: number, echoId: number): Hdr => ({
  src,
  dst,
  len: 84,
  id,
  df: type === 8,
  l4: `ICMP TYPE=${type} CODE=0 ID=${echoId} SEQ=1`,
  ebt: "1",
});
const tcp = (
  src: string,
  sp: number,
  dst: string,
  dp: number,
  id: number,
  len: number,
  flags: string,
): Hdr => ({
  src,
  dst,
  len,
  id,
  df: true,
  l4: `TCP SPT=${sp} DPT=${dp} WINDOW=64240 RES=0x00 ${flags} URGP=0`,
  ebt: `6 SPT=${sp} DPT=${dp}`,
});
const udp = (src: string, sp: number, dst: string, dp: number, id: number, len: number): Hdr => ({
  src,
  dst,
  len,
  id,
  df: false,
  l4: `UDP SPT=${sp} DPT=${dp} LEN=${len - 20}`,
  ebt: `17 SPT=${sp} DPT=${dp}`,
});

/**
 * Flow `k` as a list of packets (each a function writing its lines). Addresses
 * and ports are chosen so no tuple repeats within millions of flows and the
 * flows in flight at one time share no address pair.
 */
function flow(k: number, r: () => number): ((w: Lines) => void)[] {
  const c = container(k);
  // ebtables lines carry no ICMP id: a container/server pair recurs only after 250000 flows.
  const server = `198.51.100.${1 + ((k + Math.floor(k / 1000)) % 250)}`;
  const id = () => Math.floor(r() * 65536);
  const kind = r();
  if (kind < 0.3) {
    const echo = k & 0xffff;
    const q = id();
    const a = id();
    return [
      (w) => outToWan(w, c, icmp(c.ip, server, q, 8, echo), true),
      (w) => inFromWan(w, c, icmp(server, HOST_WAN, a, 0, echo), icmp(server, c.ip, a, 0, echo), false),
    ];
  }
  if (kind < 0.45) {
    const sp = 1024 + (k % 64000);
    const q = id();
    const a = id();
    return [
      (w) => outToWan(w, c, udp(c.ip, sp, server, 53, q, 60), true),
      (w) => inFromWan(w, c, udp(server, 53, HOST_WAN, sp, a, 120), udp(server, 53, c.ip, sp, a, 120), false),
    ];
  }
  if (kind < 0.65) {
    const b = container(k + 333 + Math.floor(k / 1000));
    const echo = k & 0xffff;
    const q = id();
    const a = id();
    return [
      (w) => bridged(w, c, b, icmp(c.ip, b.ip, q, 8, echo)),
      (w) => bridged(w, b, c, icmp(b.ip, c.ip, a, 0, echo)),
    ];
  }
  // A client on the internet: handshake, request, response, close, through the published port 8080.
  const client = `198.51.100.${1 + (k % 250)}`;
  const sp = 1024 + (Math.floor(k / 250) % 64000);
  const packets: ((w: Lines) => void)[] = [];
  const steps: [boolean, string, number][] = [
    [true, "SYN", 60],
    [false, "ACK SYN", 60],
    [true, "ACK", 52],
    [true, "ACK PSH", 130],
    [false, "ACK PSH", 400],
    [true, "ACK FIN", 52],
    [false, "ACK FIN", 52],
    [true, "ACK", 52],
  ];
  steps.forEach(([fromClient, flags, len], i) => {
    const n = id();
    if (fromClient) {
      const h = tcp(client, sp, HOST_WAN, 8080, n, len, flags);
      packets.push((w) => inFromWan(w, c, h, tcp(client, sp, c.ip, 80, n, len, flags), i === 0));
    } else packets.push((w) => outToWan(w, c, tcp(c.ip, 80, client, sp, n, len, flags), false));
  });
  return packets;
}

/**
 * Writes at least `lines` lines to `file`: `slots` flows in flight, their
 * lines interleaved a few at a time. Returns what a correct parse must find.
 */
export function generateLog(
  file: string,
  lines: number,
  slots = 4,
): { lines: number; packets: number; flows: number } {
  const r = prng(0x5eed);
  const fd = openSync(file, "w");
  const w = new Lines();
  let written = 0;
  let packets = 0;
  let flows = 0;
  let nextFlow = 0;
  const active: { packets: ((w: Lines) => void)[]; buffered: string[] }[] = [];
  const start = () => {
    flows++;
    return { packets: flow(nextFlow++, r), buffered: [] as string[] };
  };
  for (let i = 0; i < slots; i++) active.push(start());
  let chunk = "";
  while (active.length) {
    const s = Math.floor(r() * active.length);
    const a = active[s] as (typeof active)[number];
    if (!a.buffered.length) {
      const next = a.packets.shift();
      if (!next) {
        if (written < lines) active[s] = start();
        else active.splice(s, 1);
        continue;
      }
      w.out = [];
      next(w);
      a.buffered = w.out;
      packets++;
    }
    for (let n = 1 + Math.floor(r() * 3); n > 0 && a.buffered.length; n--) {
      const entry = a.buffered.shift() as string;
      chunk += `${entry}\n`;
      written += entry.includes("\n") ? 2 : 1;
    }
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = "";
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return { lines: written, packets, flows };
}
