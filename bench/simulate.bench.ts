/**
 * Simulator speed: one packet (a WAN client's SYN to the published port, the longest path of the
 * lab) through the recorded Docker 28 ruleset with the lab's LOG rules, and through a generated
 * ruleset of 10,000 rules (5,000 published ports: 5,000 DNAT + 5,000 filter ACCEPT rules) with the
 * packet aimed at the last port, so every rule is evaluated; then the same under Docker 29's nftables
 * ruleset and a generated nft ruleset of 10,000 rules with sets and verdict maps, as ratios against the
 * iptables figures of the same run. Reported: mean per packet and the ratios.
 */
import { join } from "node:path";
import { nftInstrumentation } from "../src/capture/nft-log-rules.ts";
import { Simulator, type World } from "../src/core/simulate/simulate-packet.ts";
import { buildWorld, loadLab, logOverlay } from "../src/lab/load-lab.ts";

const LAB = join(import.meta.dirname, "../traces/docker-bridge");
const NFT_LAB = join(import.meta.dirname, "../traces/docker-bridge-nft");

/** Docker 28's ruleset with `ports` published ports on c1 (one DNAT and one ACCEPT rule each). */
export function generatedRuleset(base: string, ports: number): string {
  const dnat: string[] = [];
  const accept: string[] = [];
  for (let i = 0; i < ports; i++) {
    const hostPort = 10000 + i;
    const containerPort = 20000 + i;
    dnat.push(
      `-A DOCKER ! -i docker0 -p tcp -m tcp --dport ${hostPort} -j DNAT --to-destination 172.17.0.2:${containerPort}`,
    );
    accept.push(
      `-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport ${containerPort} -j ACCEPT`,
    );
  }
  const natAt = base.indexOf("-A DOCKER ! -i docker0 -p tcp");
  let text = `${base.slice(0, natAt)}${dnat.join("\n")}\n${base.slice(natAt)}`;
  const filterAt = text.indexOf("-A DOCKER -d 172.17.0.2/32");
  text = `${text.slice(0, filterAt)}${accept.join("\n")}\n${text.slice(filterAt)}`;
  return text;
}

/**
 * Docker 29's nftables ruleset with `ports` published ports on c1: a DNAT rule each in
 * nat-prerouting-and-output and an accept rule each in filter-forward-in__docker0 (every tenth with
 * an anonymous port set), a named port set, and filter-FORWARD's verdict maps grown to 1,000 interfaces.
 */
export function generatedNftRuleset(base: string, ports: number): string {
  const dnat: string[] = [];
  const accept: string[] = [];
  for (let i = 0; i < ports; i++) {
    const hostPort = 10000 + i;
    const containerPort = 20000 + i;
    dnat.push(`\t\tiifname != "docker0" tcp dport ${hostPort} counter dnat to 172.17.0.2:${containerPort}`);
    accept.push(
      i % 10 === 0
        ? `\t\tip daddr 172.17.0.2 tcp dport { ${containerPort}, ${containerPort + 40000} } counter accept`
        : `\t\tip daddr 172.17.0.2 tcp dport ${containerPort} counter accept`,
    );
  }
  const ifaces = Array.from({ length: 999 }, (_, i) => `"veth${i}" : jump filter-forward-in__docker0`).join(
    ", ",
  );
  let text = base.replace(
    /(chain nat-prerouting-and-output \{\n)/,
    `set published {\n\t\ttype inet_service\n\t\telements = { 1, 2, 3 }\n\t}\n\t$1\t\ttcp dport @published counter accept\n${dnat.join("\n")}\n`,
  );
  text = text.replace(
    /(chain filter-forward-in__docker0 \{\n\t\tct state established,related counter accept\n)/,
    `$1${accept.join("\n")}\n`,
  );
  text = text.replace(
    /elements = \{ "docker0" : jump filter-forward-in__docker0 \}/,
    `elements = { ${ifaces}, "docker0" : jump filter-forward-in__docker0 }`,
  );
  return text;
}

function countRules(world: World): number {
  let n = 0;
  for (const t of world.ruleset.ip.tables.values()) for (const c of t.chains.values()) n += c.rules.length;
  for (const t of world.ruleset.nft ?? []) for (const c of t.chains.values()) n += c.rules.length;
  return n;
}

function timePerPacket(world: World, dport: number, iterations: number): number {
  const once = () =>
    new Simulator(world).send({
      from: "wan",
      src: "198.51.100.10",
      to: "203.0.113.2",
      proto: "tcp",
      sport: 5555,
      dport,
      tcpFlags: ["SYN"],
      direction: "request",
    });
  const first = once();
  if (first.fate.kind !== "delivered")
    throw new Error(`bench packet was not delivered: ${JSON.stringify(first.fate)}`);
  for (let i = 0; i < Math.min(200, iterations); i++) once();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) once();
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

/** Runs the benchmark; figures in microseconds / milliseconds per packet. */
export async function run(): Promise<Record<string, string | number>> {
  const lab = loadLab(LAB);
  const docker = buildWorld(lab, { ruleset: "docker-28", overlay: logOverlay("pwbn") }).world;
  const dockerMs = timePerPacket(docker, 8080, 20000);
  const base = lab.data.rulesets["docker-28"] ?? "";
  const big = buildWorld(lab, {
    rulesetText: { text: generatedRuleset(base, 5000), file: "generated.rules" },
    overlay: logOverlay("pwbn"),
  }).world;
  const bigMs = timePerPacket(big, 10000 + 4999, 200);
  const nftLab = loadLab(NFT_LAB);
  const nftBase = nftLab.data.rulesets["docker-29-nft"] ?? "";
  // As the lab records: Docker's ruleset with the capture's log tables (the instrumentation a trace names).
  const nftLogged = (text: string) => nftInstrumentation(text, "log", "pwbn").text;
  const nft = buildWorld(nftLab, {
    rulesetText: { text: nftLogged(nftBase), file: "docker-29-nft.instrumented-pwbn.rules" },
  }).world;
  const nftMs = timePerPacket(nft, 8080, 20000);
  const nftBig = buildWorld(nftLab, {
    rulesetText: { text: nftLogged(generatedNftRuleset(nftBase, 5000)), file: "generated.nft" },
  }).world;
  const nftBigMs = timePerPacket(nftBig, 10000 + 4999, 200);
  return {
    "docker-28 rules (with LOG rules)": countRules(docker),
    "docker-28: per packet (us)": Number((dockerMs * 1000).toFixed(2)),
    "generated rules": countRules(big),
    "generated: per packet (ms)": Number(bigMs.toFixed(3)),
    "ratio generated / docker-28": Number((bigMs / dockerMs).toFixed(1)),
    "generated: ns per rule evaluated": Number(((bigMs * 1e6) / countRules(big)).toFixed(1)),
    "docker-29-nft rules (with log chains)": countRules(nft),
    "docker-29-nft: per packet (us)": Number((nftMs * 1000).toFixed(2)),
    "ratio docker-29-nft / docker-28 (iptables)": Number((nftMs / dockerMs).toFixed(2)),
    "generated nft rules (sets, vmaps)": countRules(nftBig),
    "generated nft: per packet (ms)": Number(nftBigMs.toFixed(3)),
    "ratio generated nft / generated iptables": Number((nftBigMs / bigMs).toFixed(2)),
  };
}
