/**
 * The traffic commands of `packetwalk import` (`command.txt`, `exit-code.txt`) and which scenario
 * each belongs to. A command is read as the shell would split it, through the wrappers that run it
 * elsewhere or later (`ip netns exec NS`, `timeout 2`, `sudo`, `env`, `nsenter`, `docker exec`,
 * `ssh HOST`, `bash -c '...'`), down to the program that sends: its protocol, the address and port
 * it sends to, the source it sends from. A scenario takes the command that names its destination
 * and says nothing against its protocol, port or source. Pure.
 */
import { addressFamily, canonicalAddress } from "../simulate/ip-address.ts";

/** One traffic command of `command.txt`, with its exit code when `exit-code.txt` gives one. */
export interface GivenCommand {
  argv: string[];
  exit?: number;
}

/** What a scenario offers to be matched with a command. */
export interface CommandScenario {
  /** The address the request was sent to (before any DNAT), canonical. */
  dst: string;
  /** The request's source address, canonical. */
  src: string;
  proto: string;
  /** The destination port the request was sent to (TCP, UDP). */
  dport?: number;
  /** True when none of its packets is a request: answers whose request is not in it (conntrack did not match them). */
  repliesOnly?: boolean;
}

/**
 * The words of one shell line: quotes ('...', "...") and backslashes as the shell reads them, so
 * `bash -c '</dev/tcp/198.51.100.20/80'` is three words. Undefined for a line whose quotes do not close.
 */
export function shellWords(line: string): string[] | undefined {
  const out: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && /["\\$`]/.test(line[i + 1] ?? "")) word += line[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < line.length) word = (word ?? "") + line[++i];
    else word = (word ?? "") + c;
  }
  if (quote) return undefined;
  if (word !== undefined) out.push(word);
  return out;
}

function words(text: string): string[] {
  const t = text.trim();
  if (t.includes("\n"))
    return t
      .split(/\r?\n/)
      .map((w) => w.trim())
      .filter(Boolean);
  return shellWords(t) ?? t.split(/\s+/).filter(Boolean);
}

/**
 * The commands given: one argument per line (`packetwalk capture --host` writes that) or shell
 * words on one line is one command; several lines of several words each are several commands,
 * and `exit-code.txt` then has one code per line, in the same order.
 */
export function commandsOf(command: string | undefined, exitCode: string | undefined): GivenCommand[] {
  if (!command?.trim()) return [];
  const codes = (exitCode ?? "")
    .trim()
    .split(/\r?\n/)
    .map((c) => c.trim());
  const code = (i: number, n: number) =>
    codes.length === n && /^\d+$/.test(codes[i] ?? "") ? Number(codes[i]) : undefined;
  const shellLines = command
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (shellLines.length > 1 && shellLines.every((l) => /\s/.test(l)))
    return shellLines.map((l, i) => ({
      argv: shellWords(l) ?? l.split(/\s+/),
      exit: code(i, shellLines.length),
    }));
  return [{ argv: words(command), exit: code(0, 1) }];
}

const base = (word: string | undefined) => (word ?? "").split("/").pop() ?? "";

/** Options of a wrapper that take a value (the next word), by wrapper. */
const WRAPPER_VALUES: Record<string, readonly string[]> = {
  sudo: ["-u", "-g", "-h", "-p", "-C", "-D", "-R", "-T", "-U", "--user", "--group"],
  timeout: ["-s", "-k", "--signal", "--kill-after"],
  nsenter: ["-t", "--target", "-S", "--setuid", "-G", "--setgid", "-r", "-w"],
  nice: ["-n", "--adjustment"],
  docker: ["-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys"],
  podman: ["-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys"],
  kubectl: ["-c", "--container", "-n", "--namespace", "--context"],
  ssh: [
    "-b",
    "-c",
    "-D",
    "-E",
    "-e",
    "-F",
    "-I",
    "-i",
    "-J",
    "-L",
    "-l",
    "-m",
    "-O",
    "-o",
    "-p",
    "-Q",
    "-R",
    "-S",
    "-W",
    "-w",
  ],
};

/** The index of the first word after `from` that is no option of `wrapper` (nor an option's value). */
function pastOptions(argv: readonly string[], from: number, wrapper: string): number {
  const values = WRAPPER_VALUES[wrapper] ?? [];
  let i = from;
  while (i < argv.length) {
    const a = argv[i] as string;
    if (a === "--") return i + 1;
    if (!a.startsWith("-") || a === "-") return i;
    i += values.includes(a) ? 2 : 1;
  }
  return i;
}

/**
 * The words of the program that sends, under its wrappers: `ip netns exec NS ping ...` is
 * `ping ...`, `timeout 2 bash -c 'exec 3<>/dev/tcp/H/80'` is `exec 3<>/dev/tcp/H/80`'s words,
 * `python3 udpsend.py H 53` is `udpsend.py H 53`. The argv itself when nothing wraps it.
 */
export function sendingWords(argv: readonly string[], depth = 0): string[] {
  const p = base(argv[0]);
  const rest = (i: number) => (i < argv.length && depth < 8 ? sendingWords(argv.slice(i), depth + 1) : []);
  if (p === "ip") {
    // `ip netns exec NS CMD`, `ip -n NS ...` is no wrapper (ip itself runs there).
    const at = argv.indexOf("exec");
    if (argv[1] === "netns" && at === 2) return rest(4);
    return [...argv];
  }
  if (p === "sudo" || p === "nsenter" || p === "nice" || p === "setsid" || p === "stdbuf")
    return rest(pastOptions(argv, 1, p));
  if (p === "timeout") return rest(pastOptions(argv, 1, p) + 1);
  if (p === "env") {
    let i = pastOptions(argv, 1, p);
    while (i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i] as string)) i++;
    return rest(i);
  }
  if ((p === "docker" || p === "podman") && argv[1] === "exec") return rest(pastOptions(argv, 2, p) + 1);
  if (p === "kubectl" && argv[1] === "exec") {
    const dash = argv.indexOf("--");
    return dash > 0 ? rest(dash + 1) : [...argv];
  }
  if (p === "ssh") {
    // `ssh HOST CMD...` runs CMD there; `ssh HOST` alone is the TCP connection itself.
    const host = pastOptions(argv, 1, p);
    return host + 1 < argv.length ? rest(host + 1) : [...argv];
  }
  if (/^(ba|z|da|k)?sh$/.test(p)) {
    const c = argv.indexOf("-c");
    const script = c > 0 ? argv[c + 1] : undefined;
    const inner = script !== undefined ? shellWords(script) : undefined;
    return inner?.length && depth < 8 ? sendingWords(inner, depth + 1) : [...argv];
  }
  // An interpreter running a script: the script is the program.
  if (/^(python[0-9.]*|node|nodejs|perl|ruby|deno|bun|tsx)$/.test(p)) {
    const script = argv.findIndex((a, i) => i > 0 && !a.startsWith("-"));
    return script > 0 ? rest(script) : [...argv];
  }
  return [...argv];
}

/** The protocol a traffic command sends, when its program (or a /dev/tcp, /dev/udp path) says so. */
export function commandProto(argv: readonly string[]): "icmp" | "tcp" | "udp" | undefined {
  const w = sendingWords(argv);
  const program = base(w[0]);
  const has = (...flags: string[]) => w.some((a) => flags.includes(a));
  const path = w.map((a) => /\/dev\/(tcp|udp)\//.exec(a)?.[1]).find((x) => x !== undefined);
  if (path === "tcp" || path === "udp") return path;
  if (/^(ping|ping6|fping)$/.test(program)) return "icmp";
  if (/^hping3?$/.test(program))
    return has("-1", "--icmp")
      ? "icmp"
      : has("-2", "--udp")
        ? "udp"
        : has("-0", "--rawip")
          ? undefined
          : "tcp";
  if (/^(traceroute6?|tracepath)$/.test(program))
    return has("-I", "--icmp") ? "icmp" : has("-T", "--tcp") ? "tcp" : "udp";
  if (program === "mtr") return has("-u", "--udp") ? "udp" : has("-T", "--tcp") ? "tcp" : "icmp";
  if (/^(dig|nslookup|host|drill)$/.test(program)) return has("+tcp", "+vc", "-T") ? "tcp" : "udp";
  if (/^(nc|ncat|netcat)$/.test(program)) return has("-u", "--udp") ? "udp" : "tcp";
  if (program === "socat") return w.some((a) => /^udp/i.test(a)) ? "udp" : "tcp";
  if (/^iperf3?$/.test(program)) return has("-u", "--udp") ? "udp" : "tcp";
  if (/^(curl|wget|ssh|telnet|http|https|openssl|scp|sftp)$/.test(program)) return "tcp";
  // packetwalk's own TCP peer (`tcp-peer.ts client HOST PORT SOURCE`).
  if (/^tcp-peer\.[cm]?[jt]s$/.test(program)) return "tcp";
  // A script named for what it sends (`udpsend.py`, `tcp_probe.sh`).
  const named = /(?:^|[^a-z])(udp|tcp|icmp)|(udp|tcp|icmp)(?:[^a-z]|$)/i.exec(
    program.replace(/\.[a-z]+$/i, ""),
  );
  const proto = (named?.[1] ?? named?.[2])?.toLowerCase();
  return proto === "udp" || proto === "tcp" || proto === "icmp" ? proto : undefined;
}

/** Options whose value is the source a program sends from, not where it sends to, by program. */
const SOURCE_OPTIONS: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/^(ping|ping6|fping|arping)$/, ["-I"]],
  [/^(curl)$/, ["--interface"]],
  [/^(nc|ncat|netcat|traceroute|traceroute6|mtr)$/, ["-s", "--source", "--address"]],
  [/^(hping3?)$/, ["-a", "--spoof"]],
  [/^(ssh)$/, ["-b"]],
  [/^(dig)$/, ["-b"]],
];

/**
 * The indexes of the words of `w` (a program's words, see {@link sendingWords}) that are a source
 * address, not a destination: the value of a program's source option (`ping -I 198.51.100.10
 * 203.0.113.10`), and packetwalk's TCP peer's source (`tcp-peer.ts client HOST PORT SOURCE`).
 */
function sourceWords(w: readonly string[]): Set<number> {
  const out = new Set<number>();
  const program = base(w[0]);
  const options = SOURCE_OPTIONS.find(([re]) => re.test(program))?.[1] ?? [];
  w.forEach((a, i) => {
    if (options.includes(a)) out.add(i + 1);
  });
  if (/^tcp-peer\.[cm]?[jt]s$/.test(program) && w[1] === "client") out.add(4);
  return out;
}

/** Whether `word` names `addr` (an address, a URL's host, `host:port`, `/dev/tcp/host/port`, `[v6]:port`). */
function names(word: string, addr: string): boolean {
  return (
    word === addr ||
    word.split(/[:@/]/).includes(addr) ||
    // IPv6, bare or in brackets (`[fd00:a::2]:80`, `http://[fd00:a::2]/`), in any written form.
    [word, /\[([0-9A-Fa-f:.]+)\]/.exec(word)?.[1] ?? ""].some(
      (x) => x.includes(":") && canonicalAddress(x) === addr,
    )
  );
}

/** An address `word` is (IPv4 or IPv6), canonical; undefined for any other word. */
function addressIn(word: string): string | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(word) || addressFamily(word) === undefined) return undefined;
  return canonicalAddress(word);
}

/** Every address a command's words name (a URL's host, `/dev/tcp/H/P`'s, a bare one), source words left out. */
function namedAddresses(w: readonly string[], sources: ReadonlySet<number>): string[] {
  const out: string[] = [];
  w.forEach((a, i) => {
    if (sources.has(i)) return;
    const bracket = /\[([0-9A-Fa-f:.]+)\]/.exec(a)?.[1];
    for (const part of [a, ...(bracket ? [bracket] : []), ...a.split(/[@/]/), ...a.split(/[:@/]/)]) {
      const found = addressIn(part);
      if (found && !out.includes(found)) out.push(found);
    }
  });
  return out;
}

const SCHEME_PORTS: Record<string, number> = { http: 80, https: 443, telnet: 23, ftp: 21, ssh: 22 };

/** The port a command sends to at `dst`, when its words say it; undefined when they do not. */
function commandPort(w: readonly string[], dst: string): number | undefined {
  const program = base(w[0]);
  const port = (x: string | undefined) =>
    x && /^\d{1,5}$/.test(x) && Number(x) <= 65535 ? Number(x) : undefined;
  for (const a of w) {
    const dev = /\/dev\/(?:tcp|udp)\/([^/\s]+)\/(\d+)/.exec(a);
    if (dev && names(dev[1] as string, dst)) return port(dev[2]);
    const url = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]+\]|[^/:@]+@?[^/:]*)(?::(\d+))?/i.exec(a);
    if (url && names(url[2] as string, dst))
      return port(url[3]) ?? SCHEME_PORTS[(url[1] as string).toLowerCase()];
    const hostPort = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):(\d+)$/.exec(a);
    if (hostPort && names(hostPort[1] as string, dst)) return port(hostPort[2]);
  }
  if (/^tcp-peer\.[cm]?[jt]s$/.test(program) && w[1] === "client" && names(w[2] ?? "", dst))
    return port(w[3]);
  if (program === "ssh" || program === "scp") {
    const p = w.indexOf(program === "ssh" ? "-p" : "-P");
    return p > 0 ? port(w[p + 1]) : 22;
  }
  // `nc HOST PORT` and scripts written the same way (`udpsend.py HOST PORT`); not ping's `-t 1 HOST`.
  if (/^(nc|ncat|netcat)$/.test(program) || /\.[a-z]+$/i.test(program)) {
    const at = w.findIndex((a, i) => i > 0 && a === dst);
    if (at > 0) return port(w[at + 1]);
  }
  return undefined;
}

/** Why a scenario got no command: said in a note, with the command count. */
export type NoCommand =
  | { kind: "replies" }
  | { kind: "unnamed"; given: number }
  | { kind: "ambiguous"; scenarios: number; commands: number; given: number };

/** What {@link matchCommands} gives each scenario: its command, or why none. */
export type CommandMatch = { command: GivenCommand } | { none: NoCommand };

/** What a command says of where it sends: for matching, worked out once. */
interface ReadCommand {
  given: GivenCommand;
  proto?: string;
  addresses: string[];
  sources: string[];
  words: string[];
}

function read(c: GivenCommand): ReadCommand {
  const w = sendingWords(c.argv);
  const src = sourceWords(w);
  return {
    given: c,
    proto: commandProto(c.argv),
    addresses: namedAddresses(w, src),
    sources: [...src].map((i) => w[i] ?? "").flatMap((a) => addressIn(a) ?? []),
    words: w,
  };
}

/**
 * The command of each scenario (in order). A scenario of answers alone (its request is not in it)
 * has none: no command sent them. Otherwise its candidates are the commands that name its
 * destination and whose program, port and source (where their words say them) are its own; with
 * one command given, a command that names no address at all counts as naming it. Scenarios with
 * the same candidates take them in order when there are as many of each (the same ping run from
 * two containers: commands are written down in the order they ran, scenarios come in the log's);
 * one candidate goes to each scenario that has it alone.
 */
export function matchCommands(
  commands: readonly GivenCommand[],
  scenarios: readonly CommandScenario[],
): CommandMatch[] {
  const all = commands.map(read);
  const candidates = scenarios.map((s) => {
    if (s.repliesOnly) return undefined;
    let naming = all.filter(
      (c) =>
        (c.addresses.includes(s.dst) || (all.length === 1 && c.addresses.length === 0)) &&
        (c.proto ?? s.proto) === s.proto,
    );
    // Narrowed by what the words say, where that leaves any: a port or source of another scenario's.
    const narrow = (keep: (c: ReadCommand) => boolean) => {
      const kept = naming.filter(keep);
      if (kept.length && kept.length < naming.length) naming = kept;
    };
    if (naming.length > 1) narrow((c) => c.proto === s.proto);
    if (naming.length > 1 && s.dport !== undefined)
      narrow((c) => {
        const p = commandPort(c.words, s.dst);
        return p === undefined || p === s.dport;
      });
    if (naming.length > 1) narrow((c) => c.sources.length === 0 || c.sources.includes(s.src));
    if (naming.length > 1 && s.dport !== undefined) narrow((c) => commandPort(c.words, s.dst) === s.dport);
    if (naming.length > 1) narrow((c) => c.sources.includes(s.src));
    return naming;
  });
  const keyOf = (list: readonly ReadCommand[]) => list.map((c) => all.indexOf(c)).join(",");
  const seen = new Map<string, number>();
  return scenarios.map((_, i) => {
    const list = candidates[i];
    if (list === undefined) return { none: { kind: "replies" } };
    if (list.length === 1) return { command: (list[0] as ReadCommand).given };
    if (list.length === 0) return { none: { kind: "unnamed", given: commands.length } };
    const key = keyOf(list);
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    const of = candidates.filter((c) => c !== undefined && keyOf(c) === key).length;
    return of === list.length
      ? { command: (list[nth] as ReadCommand).given }
      : { none: { kind: "ambiguous", scenarios: of, commands: list.length, given: commands.length } };
  });
}

/** Why a scenario got no command, for the note import writes (followed by ": its command says it was not given"). */
export function noCommandWhy(why: NoCommand, s: { dst: string; proto: string }): string {
  const proto = s.proto.toUpperCase();
  if (why.kind === "replies")
    return "its packets answer a request that is not in it (conntrack did not match them to it, or the request was not logged), so no command given sent them";
  if (why.kind === "unnamed")
    return why.given === 1
      ? `the command given does not send ${proto} to ${s.dst}`
      : `none of the ${why.given} commands given sends ${proto} to ${s.dst}`;
  return `${why.scenarios} scenario${why.scenarios === 1 ? "" : "s"} go to ${s.dst} by ${proto}, and ${why.commands} of the ${why.given} commands given could be theirs (their words do not tell which is whose)`;
}
