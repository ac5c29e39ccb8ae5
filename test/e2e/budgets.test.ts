/**
 * Page weight budgets on the lesson page with the most diagrams, measured in
 * the browser: JS shipped <= 15 KB gzip with search loaded only when opened,
 * HTML + inline SVG <= 250 KB gzip, and no request to any other host; and the
 * playground's own JS (page and parse worker, Mermaid apart and loaded only on a first diagram; Shiki, and
 * the worker's ruleset readers, rule engine and listings, only with a first ruleset; the nft reader only
 * with nft rules, and its `nft -f` script part only with a script; the bridge reader only with bridge rules).
 * The figures are printed for the release note.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { countDiagrams, lessonPages, REPO_ROOT, readPageHtml, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
/** Budgets, in bytes of gzip (zlib default level). */
const JS_BUDGET = 15 * 1024;
const HTML_BUDGET = 250 * 1024;

const ranked = lessonPages()
  .map((page) => ({ page, diagrams: countDiagrams(readPageHtml(page)) }))
  .sort((a, b) => b.diagrams - a.diagrams);
const chosen = ranked[0];
if (!chosen) throw new Error("no lesson page in dist/: cannot measure the page budgets");
const html = readPageHtml(chosen.page);

// A word of the page's own title: a query that surely has results.
const queryWord = /<h1[^>]*>[^<]*?([A-Za-z]{4,})/.exec(html)?.[1] ?? "packet";

const gz = (data: string | Buffer) => gzipSync(data).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Bodies of inline classic and module scripts (JSON data blocks are not code). */
function inlineScripts(source: string): string[] {
  return [...source.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter(
      ([, attrs = ""]) => !/\bsrc\s*=/.test(attrs) && !/type\s*=\s*"?application\/(ld\+)?json/i.test(attrs),
    )
    .map(([, , body = ""]) => body)
    .filter((body) => body.trim() !== "");
}

/** Total bytes of every inline `<svg>...</svg>`, outermost ones only. */
function inlineSvgBytes(source: string): number {
  let total = 0;
  let depth = 0;
  let start = 0;
  for (const m of source.matchAll(/<svg\b|<\/svg>/g)) {
    if (m[0] === "</svg>") {
      depth--;
      if (depth === 0) total += (m.index ?? 0) + 6 - start;
    } else if (depth++ === 0) start = m.index ?? 0;
  }
  return total;
}

const site = useSite();

describe(`budgets on ${chosen.page.path} (${chosen.diagrams} diagram(s))`, () => {
  it("ships <= 15 KB gzip of JS, loads search only when opened, requests nothing from other hosts", async () => {
    if (chosen.diagrams < 2) {
      console.log(
        `budgets: the chosen lesson has ${chosen.diagrams} diagram(s); the budget asks for a page with two, ` +
          "so the diagram part is not fully exercised yet",
      );
    }
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const watch = watchPage(page, site.server.url);
      const scripts = new Map<string, number>();
      const bodies: Promise<void>[] = [];
      let cssGzip = 0;
      let fontBytes = 0;
      let searchGzip = 0;
      page.on("response", (res) => {
        const type = res.request().resourceType();
        bodies.push(
          res
            .body()
            .then((body) => {
              // Pagefind is measured apart: it loads on demand, outside the page's budget.
              if (new URL(res.url()).pathname.startsWith(`${site.server.base}pagefind/`))
                searchGzip += gz(body);
              else if (type === "script") scripts.set(res.url(), gz(body));
              else if (type === "stylesheet") cssGzip += gz(body);
              else if (type === "font") fontBytes += body.length;
            })
            .catch(() => undefined),
        );
      });
      await page.goto(`${site.server.url}${chosen.page.requestPath}`, { waitUntil: "networkidle" });
      await Promise.all(bodies);

      const inline = inlineScripts(await page.content()).reduce((sum, s) => sum + gz(s), 0);
      const inlineFromFile = inlineScripts(html).reduce((sum, s) => sum + gz(s), 0);
      const external = [...scripts.values()].reduce((a, b) => a + b, 0);
      const jsTotal = Math.max(inline, inlineFromFile) + external;
      const pagefindBefore = watch.requests.filter((u) =>
        new URL(u).pathname.startsWith(`${site.server.base}pagefind/`),
      );

      console.log(
        [
          `budgets: page ${chosen.page.path} (${chosen.diagrams} diagram(s))`,
          `  JS shipped on load: ${kb(jsTotal)} gzip (inline ${kb(Math.max(inline, inlineFromFile))}, ` +
            `${scripts.size} external file(s) ${kb(external)}); budget ${kb(JS_BUDGET)}`,
          ...[...scripts].map(([url, size]) => `    ${new URL(url).pathname}: ${kb(size)} gzip`),
          `  CSS: ${kb(cssGzip)} gzip; fonts fetched: ${kb(fontBytes)} (woff2, already compressed)`,
          `  requests on load: ${watch.requests.length}, to /pagefind/: ${pagefindBefore.length}`,
        ].join("\n"),
      );
      expect(pagefindBefore, "no Pagefind request before search opens").toEqual([]);
      expect(jsTotal).toBeLessThanOrEqual(JS_BUDGET);

      // Opening search is what loads Pagefind: proof the check above is not vacuous.
      await Promise.all([
        page.waitForRequest(
          (req) => new URL(req.url()).pathname === `${site.server.base}pagefind/pagefind.js`,
        ),
        page.keyboard.press("/"),
      ]);
      // A first search fetches the rest (worker, WebAssembly, index, fragments): measure it all.
      await page.keyboard.type(queryWord);
      await page.locator("[data-search-results] li a").first().waitFor();
      await Promise.all(bodies);
      console.log(
        `budgets: opening search and a first query load ${kb(searchGzip)} gzip from /pagefind/ (outside the page budget)`,
      );
      expect(watch.problems, "no failed or off-site requests").toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("keeps HTML + inline SVG <= 250 KB gzip", () => {
    const htmlGzip = gz(html);
    const svgBytes = inlineSvgBytes(html);
    console.log(
      `budgets: HTML ${kb(Buffer.byteLength(html))} raw, ${kb(htmlGzip)} gzip ` +
        `(inline SVG ${kb(svgBytes)} raw of it); budget ${kb(HTML_BUDGET)} gzip`,
    );
    if (chosen.diagrams > 0) expect(svgBytes).toBeGreaterThan(0);
    expect(htmlGzip).toBeLessThanOrEqual(HTML_BUDGET);
  });
});

/**
 * The playground's own JS in bytes of gzip that loads with the page, Mermaid apart: 13.5 KB measured since the
 * packet's plan, words and diagram code (`packet-view.ts`) load with the first packet shown (22.4 KB before).
 * 15.6 KB since the warnings' folding tests a hint's start instead of importing the readers' hints,
 * which a bundle shared with the lazily loaded rule code had put on the page (16.0 KB before).
 */
const PLAYGROUND_PAGE_JS_BUDGET = 16 * 1024;
/**
 * The worker carries the parser (every envelope and trace tool it reads, dates under any locale) and the
 * reader of dropped files (gzip, UTF-16): what a pasted log needs. The ruleset readers, the rule engine
 * and the rule listings load with the first ruleset (below). 63.3 KB measured when the readers and the
 * engine came with every paste, 68.0 KB once they read data maps, connection marks and tuples and
 * REDIRECT; 32.5 KB measured since they load with the first ruleset; 40.0 KB once the parser
 * placed a base chain named without its hook by the pasted ruleset, and said which chains of an nft
 * trace the map can only draw beside its hook boxes; 41.2 KB once an IPv6 neighbor advertisement
 * joined the solicitation it answers and a fragment's summary said where in its datagram it sits;
 * 42.6 KB once real pastes from forums and issues read: quoted and indented lines, trace output pasted from the middle, nft packet
 * lines without headers, Proxmox lines without their last space, printk caller ids, firewalld's quoted
 * prefixes and rpfilter_DROP, OpenWrt's zone verdicts. 43.8 KB once the prefixes of Shorewall, csf,
 * FireHOL, APF, Arno's AIF, NixOS and guides' `[INPUT] ` were placed (with the drops they announce),
 * hand-written `TRACE: eb:broute:BROUTING` prefixes read and a line ending after its devices refused.
 * 45.6 KB once a second round of real pastes read: LOG lines wrapped over several lines by a page or
 * a mail (joined, problems at their own line and column), nft traces cut after a `packet:` line, trace
 * chains without a packet line of their own, log shippers' JSON records, ulogd's lines without `RES=`,
 * and the prefixes of routers (DD-WRT, Tomato, Asuswrt, VyOS, EdgeOS, UniFi), foomuuri and Calico.
 * 46.1 KB once a third round read: bare lines quoted with `> `, `>> ` or `| `, lines a mailer wrapped
 * keeping the space before its break, a line cut after an IP frame's MAC, and kube-router's and
 * SuSEfirewall2's prefixes. 47.4 KB once session 43's pastes read: IPFire's, Tomato's REJECT, AFWall+'s,
 * Firewall Builder's and bare chain-name prefixes, `<4>kernel:` syslog, Loki's logcli exports, ulogd JSON
 * printed over several lines said, and an ebtables IPv6 line behind an extension header kept with its packet.
 * 47.8 KB once session 44's grouping told packets apart by the fields no hook rewrites (TCP window, urgent
 * pointer, options but the MSS and NOPs, an SPI, an echo id at one hook). 51.0 KB once session 46's log
 * pipelines' exports read (Wazuh alerts, Elasticsearch and OpenSearch hits, ECS `event.original`, Fluentd's
 * file output, Graylog's CSV, Fluent Bit's stdout, pretty `dmesg -J` times), nft traces' ARP, ESP/AH and
 * ICMPv6 quotes, and two hosts' lines in one log were told apart. 51.8 KB (unchanged budget) once a
 * reply's fragments logged before defragmentation waited for their datagram, QinQ's inner tag and ports
 * were read from nft trace bytes, and a pretty JSON record gave its line its host. 52.3 KB once log
 * records a page joined on one line were read apart at their stamps, and Proxmox VE firewall lines sent
 * through syslog under the kernel's tag read. 52.8 KB (unchanged budget) once TEE copies were told apart,
 * the xtables-monitor man page's numbered lines read and ulogd's conntrack events said. 53.0 KB once
 * Sophos UTM and Sophos Firewall records, audit packet records (type 1324) and `conntrack -E`/`-L` output
 * got a warning instead of being skipped silently, and OpenWrt fw4's forward-policy prefix was placed.
 * 56.4 KB once session 51's real pastes read: tcpdump, pf filterlog, MikroTik and ulogd's OPRINT, GPRINT
 * and XML output said as what they are instead of skipped in silence; Kubernetes CRI records (their
 * partial lines joined), docker compose, Loki logcli and a syslog date with its year read as envelopes;
 * the trailing-space warning kept for lines the kernel's format says go on; lines folded at a fixed
 * width joined; a MAC= that is no hex bytes warned of; fw4's invalid-state and DOCKER-USER prefixes placed.
 * 57.8 KB (measured on the site's build) once session 52's log gaps closed: redacted addresses said as such (the placeholder
 * shapes now load with the parser, not only with the ruleset readers), an upper-case or hidden MAC=
 * read and warned of, a `drop | ` prefix told from a compose service by the reading that places,
 * Proxmox lines' last words pvefw-logger ends a line with, an ICMP error's quote cut at the line's end:
 * esbuild's bundle of parse-worker-en grew by 0.94 KB gzip (49.1 -> 50.0 KB, its parser chunk).
 * 59.7 KB (measured on the site's build) once session 54's 43 new real pastes read: trace output a chat
 * joined on one line read apart at each record's start (the record heads of nft, xtables-monitor and
 * legacy TRACE), quoted trace lines, a bare time of day and an ISO stamp before `[uptime]` as envelopes,
 * one cause on many lines one grouped error said where the space was lost, quoted-printable mail named,
 * and Firestarter's prefixes placed.
 * 66.6 KB (measured on the site's build) once session 55's pastes read: nft monitor trace, xtables-monitor
 * and ebtables lines wrapped or folded joined again (their statements checked so a cut one is refused at
 * its column: about 4 KB of it), a LOG line wrapped after its prefix or broken while redacted, partly
 * redacted addresses kept, `grep -H` file names, a record joined at its bracketed prefix, doubled spaces
 * around IN=/OUT=, a SIT device's TUNNEL=, table-and-chain word prefixes and TRACE pastes that start
 * in a user chain said.
 * 69.3 KB once session 56's pastes read: the 2.4-era bridge field order (IN= PHYSIN= OUT= PHYSOUT=) on
 * the fast path too, runs of spaces inside a value, legacy TRACE lines whose `TRACE: ` a column cut took,
 * redacted dmesg stamps, `kernel [ts]:` tags, lines pasted inside code comments, ulogd records joined
 * without their dates, another tracer's table named, pieces with blank lines between joined, partly
 * redacted addresses in ebtables and nft trace lines and redacted lines folded inside a word.
 */
const PLAYGROUND_WORKER_JS_BUDGET = 70 * 1024;
/**
 * What a first listed ruleset loads on the page: Shiki's core, its JavaScript regex engine, two themes and
 * the grammar: 70.6 KB measured with the worker's rule listing, 62.4 KB since that counts below.
 */
const PLAYGROUND_RULES_JS_BUDGET = 72 * 1024;
/**
 * What a first ruleset loads in the worker: the iptables and ebtables readers (nft's load with nft text,
 * `ipset save`'s with one, JSON's with JSON: below), the rule engine (IPv6, data maps, connection marks and
 * tuples, REDIRECT) and the rule listings with their notes in both languages: 52.6 KB measured when
 * set apart, 60.7 KB once the engine read every `tcp flags` form, ICMP codes and type ranges, notrack,
 * verdicts after a map's `continue` and NAT map ranges, and the notes explained them; 62.3 KB with
 * conntrack zones, marks copied to and from the connection while unknown, the state of a reply to an
 * untracked request in the listing, and nft's `arp` fields and `ip version`; 66.1 KB with flowtables
 * (`flow add`), rules that break on a packet without a connection, random NAT ports, iptables-nft's
 * listed conntrack matches read as xt_conntrack, and the notes and hints that say each. The notes'
 * Chinese halves are about 3.5 KB of it on an English page: the next saving, by loading them per
 * language, rather than another raise. 67.3 KB measured before each language's page had its own worker;
 * 63.1 KB on the English page since its worker is built without the Chinese halves
 * (`src/plugin/drop-other-language-notes.ts`); the zh-TW page's has its own (below). 72.3 KB once the
 * nft reader took `nft -f` scripts (variables scoped as nft scopes them, commands, anonymous chains,
 * line continuations, and the errors nft gives for each), bitmask matches and their notes in words,
 * reversed ranges, reject's implied family and header-less ip6tables-save files. 65.0 KB measured (73.6 KB
 * with the same code fetched whole) since the nft reader loads with nft text only, its script part with a
 * script only (below), and the `ipset save` reader with an ipset save only: a pasted iptables-save
 * fetches none of them. 66.2 KB once the readers took what the tools print back and had refused:
 * ebtables' `-j mark` and `--mark`, its save's counters and listing numbers, `-m ecn`, `-4`/`-6` in a
 * rule, DNAT's shifted ports, and iptables-nft-save's notes on tables it cannot print. 70.2 KB once
 * packet lengths (`-m length`, `meta`/`ip`/`ip6 length`) and IPsec policy (`-m policy`, `meta secpath`,
 * `ipsec in|out`) were decided with their notes, and the readers refused what the tools refuse (each of
 * `-m policy`'s options, ECN's TCP bits without `-p tcp`, ebtables `-j mark`'s option sets, DNAT's base
 * port, `-4 -6` on one rule), each with its positioned error and hint. 71.6 KB once legacy TRACE lines
 * (`TRACE: nat:PREROUTING:rule:1`) marked the rule they name, ebtables-save text was known without its
 * header line (in the reader and in the prefixes a pasted ruleset names), and a logging chain's step
 * was named after the chain that prints its prefix. 72.5 KB once iptables NETMAP and nft `snat|dnat
 * prefix to` were simulated (each host keeping its host bits) and explained, a reset of a bridged
 * frame left straight through its bridge port, and a range NAT's note named its whole range. 73.8 KB
 * with ebtables' ethertype names, `ct direction` and the bridge family's reject answers; 69.4 KB since
 * the bridge reader loads with bridge rules only (below): Docker's `.rules`, whose bridge part is a
 * comment, and a bare iptables-save fetch none of it. 69.6 KB with iptables' `--ctdir` decided. 72.0 KB
 * once the connection's status bits (nft `ct status`, `--ctstatus`, the whole-word compares nft lists)
 * and the TCP MSS option (`-m tcpmss`, TCPMSS, `tcp option maxseg`) were decided and explained, rules the
 * engine used to follow both ways. 72.9 KB once the MSS followed the path MTU (lab.json's `mtu`) and the
 * connection's protocol, family and helper were decided (`ct protocol`, `ct l3proto`, `ct helper`,
 * `--ctproto`, `-m helper`) with their notes. 73.7 KB once the iptables and ebtables readers refused jump
 * loops as the kernel does and the engine stopped at a goto loop (what fuzzing found hanging). 77.3 KB
 * once real rulesets read: the service names of /etc/services (2.0 KB of it: RHEL 8's firewalld
 * listing says `dhcpv6-client`, a set of names past a dozen lost them, a rules.v4 says `--dport ssh`),
 * verdict maps keyed by `meta nfproto` / `meta protocol` (the nftables wiki's server ruleset),
 * iptables 1.8.2's `xtables-save` headers, `[unsupported revision]`, hex and octal ports. 83.5 KB once
 * a hand-written rules.v4 read as iptables-restore reads it (a tester ran 201 forms through both):
 * addresses in iptables' own forms, state, ICMP and REJECT names by their first letters, shortened
 * long options, the restore commands (-I, -R, -D, -N, -X, -F, -Z, -P), `-s a,b` lists, shared
 * `-4`/`-6` files, and the refusals the host would meet (an option without its `-p`, `-o` in INPUT,
 * NAT targets out of place, options given twice); about 2.5 KB of it, the commands and lists, could
 * load apart with a file that has them, as the nft script part does. 83.9 KB once `iptables -S` output
 * (the listing people paste most) read as the tables its `-P` lines tell. 84.8 KB once queue targets
 * (NFQUEUE, QUEUE, nft `queue`) ended their hook's walk as the program's accept resumes it, and published
 * nft forms read: log flags of several words, connlimit sets, named object maps, `fib ... check`,
 * bare IPv6 ranges. 86.0 KB once broadcast destinations were walked (no gateway, taken at INPUT, no
 * echo reply by default), owner matches decided for forwarded packets and the kernel's own, and an nft
 * chain tied with an iptables chain warned about. 87.7 KB once real rulesets' forms read as the kernel
 * runs them: kube-proxy's `dnat ip to numgen random mod N map { ... }` followed per endpoint, TPROXY and
 * SYNPROXY ending the walk, a set declared twice merged, the sets and named objects a rule uses checked,
 * loopback martians dropped, and the chance hints told apart (rate, earlier traffic, a draw). 89.0 KB
 * once more real rulesets' forms were read as the tools and the kernel take them (session 41): a jump
 * to an undeclared iptables chain, a NAT in the wrong nft chain, an inet NAT without its family, a
 * quoted prefix, an ipset of the other family refused; one family's header statements guarded;
 * bridge chains above br_netfilter's priority walked after the IP hook; a RST the client drops said.
 * 89.9 KB once session 42's real rulesets read as nft and the kernel take them: a rule's conflicting
 * families refused, map elements without spaces, synproxy ending a SYN's walk, a verdict map on a key not
 * modelled followed each way, nft's untranslated iptables-nft extensions read, an ARP drop judged by the
 * chains the ARP crosses, the kernel's source address and per-device forwarding. 90.8 KB once session 43's
 * checks ran: neighbour discovery judged by the ip6 and bridge chains its messages cross, link-local
 * multicast delivered, bridged DNAT without ip_forward lost, a misspelt iptables target refused.
 * 94.4 KB once session 44's checks ran: iptables extensions refused outside their tables and hooks (also
 * by the hooks that reach a user chain) and for the wrong protocol or without their options, and ARP run
 * through the bridge and arp chains with its header matched; `-m statistic` values out of range refused.
 * 95.2 KB once session 45's checks ran: a set looked up with a key of another datatype, element
 * timeouts and families, a verdict or statement after the verdict, a word after a comment, an escaped
 * quote, a keyword as a name, `dup` of the wrong family, addrtype names and ebtables ports without
 * their transport refused as the tools refuse them; a quote never closed read as iptables-restore reads it.
 * 95.4 KB with session 46's `-m iprange` ends read as iptables-restore reads them. 98.6 KB once
 * session 47's were: `-m hashlimit` without a name, `-m string` without `--algo`, rates of an unknown
 * unit or of 0, unknown `--weekdays`, marks past 32 bits refused as iptables-restore refuses them, an
 * ebtables jump to nothing refused, the tools' comments that lost their `#` read, a redacted address said,
 * protocol names nft cannot resolve warned of. 100.5 KB once session 48's were: an option no loaded match
 * knows refused with iptables-restore's words and a "did you mean" (the matches' option lists), two
 * commands on one line, rates too fast or unreadable as the tools read them, `-m hashlimit` without a
 * rate, `-m string` without a string, single-quoted values with a space, ebtables' rates and joined
 * commands, and MAC set elements with a prefix matched. 102.2 KB once session 49's were: a second command
 * in long form or after a flag, an option given twice in one match, match options after the target read
 * as iptables-restore reads them, single quotes kept, nft's masked `ct status` tests and `ct_status`
 * sets, service-name ranges, the lexer's columns, and a bridge port's MTU (drops and br_netfilter's
 * fragments) in the simulator. 103.5 KB once session 50's were: ranges from a number to a name read as
 * the numbers nft stores (reversed ones refused), spaced ranges, masked tests written with `and` or
 * without `==`, quoted names refused as nft 1.0.6 refuses them, and a veth judged by the fragment the
 * route's MTU made, br_netfilter cutting by the bridge's MTU and flooded copies against each port's MTU.
 * 106.6 KB once session 50's iptables and ebtables forms were read as the tools read them: options given
 * twice (implicit protocol matches, 23 more modules, `-m policy` per element, targets, ebtables' own and
 * its extensions'), exclusive option pairs in the tools' order, `--opt=value` and shortened long options,
 * a chain's bad policy, ebtables' options after a standard target and a second value replacing the first.
 * 108.8 KB once session 51's were: iptables' old `--dport ! 22` and a misplaced `!` refused in the
 * tool's words, options that cannot be inverted, `! -p tcp --dport 1` taken and an explicit `-m tcp`
 * wanting its own `-p`, NFLOG, TCPMSS, TTL, HL, bpf, cluster and ipvs options given twice or together;
 * nft's quoted object names, `! =`, operators glued to values, tcp flags compared with numbers, masked
 * `ct state` and ether type ranges read as nft reads them. 111.3 KB once session 52's were: the options
 * 21 unmodelled matches cannot invert (limit, recent, string, time, hashlimit, ...) refused as the tools
 * refuse them, a `!` before `-j`, a `!` as a two-word option's second word, `! -p tcp --syn` on another
 * protocol undecided, ebtables' shortened options; nft's named objects in JSON, `log group` and `audit`
 * (no kernel line), log options refused, ether type sets, mark maps and secmark read as nft reads them.
 * 113.1 KB once session 53's were: `-m statistic` options that do not fit the mode and `-m ah`'s IPv6
 * options in IPv4 refused in the tool's words, `! -p tcp --dport` on ICMP read as the kernel reads it,
 * ebtables' arp options given twice under a start of their name, nft's ether type and nfproto names
 * in their own case, nft bridge tables after an iptables-save read as nft, br_netfilter's FORWARD at 0.
 */
const PLAYGROUND_WORKER_RULES_JS_BUDGET = 113.5 * 1024;
/**
 * The same on the zh-TW page, whose worker is built without the English halves that change no state
 * (`src/plugin/drop-other-language-notes.ts`; an English half that reads the rule's next word stays):
 * 67.3 KB measured with both languages, 64.9 KB without them; 74.2 KB with the nft scripts, bitmasks
 * and the rest listed above; 66.9 KB (75.5 KB fetched whole) since the nft, script and `ipset save`
 * readers load apart; 68.1 KB with the readers' additions listed above; 72.2 KB with lengths, IPsec
 * policy and the refusals listed above; 73.6 KB with legacy TRACE marks, header-less ebtables-save and
 * logging chains' names; 74.5 KB with NETMAP, prefix NAT, bridged resets and range NAT notes; 75.9 KB
 * with ethertype names, `ct direction` and bridge reject answers; 71.4 KB since the bridge reader loads apart;
 * 71.6 KB with `--ctdir`; 74.3 KB with the status bits and the MSS option; 75.2 KB with the path MTU
 * and the connection's protocol, family and helper; 76.0 KB with the jump loops refused and stopped;
 * 79.6 KB with the service names, family-keyed maps and the rest of the real rulesets listed above;
 * 85.8 KB with iptables-restore's hand-written forms listed above; 86.2 KB with `iptables -S` output;
 * 87.1 KB with the queue targets and the published nft forms listed above; 88.3 KB with broadcasts,
 * owner matches and the tie warning, and their Chinese; 90.0 KB with the real rulesets' forms listed
 * above and their Chinese; 91.3 KB with session 41's refusals listed above and their Chinese; 92.2 KB
 * with session 42's listed above and their Chinese; 93.0 KB with session 43's and their Chinese; 96.7 KB
 * with session 44's and their Chinese; 97.5 KB with session 45's and their Chinese; 97.7 KB with
 * session 46's (a reversed `-m iprange` taken, a `--src-range` end that is no address refused); 100.9 KB
 * with session 47's listed above and their Chinese; 102.7 KB with session 48's and their Chinese;
 * 104.5 KB with session 49's and their Chinese; 108.9 KB with session 50's and their Chinese; 111.2 KB
 * with session 51's and their Chinese; 113.7 KB with session 52's and their Chinese; 115.5 KB with
 * session 53's and their Chinese.
 */
const PLAYGROUND_ZH_WORKER_RULES_JS_BUDGET = 116 * 1024;
/**
 * What a first nft ruleset (`nft list ruleset`) adds in the worker after an iptables-save: the nft
 * reader and the code that draws its base chains in their hook boxes. 6.8 KB measured (an nft ruleset
 * pasted first: 71.8 KB in all, 74.3 KB when every reader came with any ruleset); 7.9 KB once a `fib`
 * at a hook the kernel refuses it at was an error at the expression (through jumps and maps); 8.1 KB
 * with jump loops a base chain reaches refused too: what `nft -f` would refuse is said before a pasted
 * ruleset is walked. 9.1 KB with an interval set's overlapping elements refused, as nft refuses them.
 * 10.6 KB once a set declared twice was merged as nft merges it and the NAT statements nft or the
 * kernel refuse (a chain of the wrong type or hook, an inet NAT without its family) were said.
 * 11.7 KB once a rule's conflicting families (`ip6 saddr` in an ip table, `ip saddr ... ip6 daddr`,
 * `meta nfproto` outside inet) were refused as nft refuses them, and problems listed in line order.
 * 12.4 KB once a rule's conflicting transport protocols (`tcp dport 22 udp dport 53`, a tcp reset for UDP)
 * and a bridge rule's ethertype family were refused, and spaced ranges and raw `@th` ports read.
 * 14.6 KB once session 44's refusals were said (a set's prefix without `flags interval`, a NAT port without
 * a protocol, a jump to a base chain, a route chain or a NAT priority name at another hook, socket and
 * tproxy at other hooks, `ct saddr` without a family, a log's flags with group, a NAT a filter chain
 * reaches, a device name over 15 characters, an unknown packet type, `numgen mod 0`, `ct saddr` in a
 * bridge table) and ARP header matches read. 16.9 KB once session 45's were said: a set or map looked up
 * with a key of another datatype (nft's datatypes and its words for them), an element of the other
 * family, element timeouts the kernel refuses, a keyword as a table's, chain's or set's name, `dup` of
 * the wrong family. 17.7 KB once session 46's were: `rt mtu` at a hook the kernel refuses it, a reversed
 * range and a connection port without its protocol in an `nft -f` script, missing objects said at their
 * name. 19.2 KB once session 47's were: a set's, map's or verdict map's element not of its key's form
 * (an address, a MAC, a mark, a state, a flag, an ICMP type), `limit` units, rates and bursts, a mark's
 * prefix length, `queue` grammar, a statement after a verdict, a map key given twice, a concatenated
 * element in a one-value set, `fib` in a bridge table, socket and tproxy through jumps. 19.6 KB once
 * session 50's were read as nft reads them: number-to-name and spaced ranges (reversed ones refused at
 * nft's column), `ct status and dnat dnat`, quoted names refused, IPv6 set elements' columns.
 */
const PLAYGROUND_WORKER_NFT_JS_BUDGET = 20.5 * 1024;
/**
 * What a first `nft -f` script (an /etc/nftables.conf) adds after that: its variables and commands.
 * 3.4 KB measured (a script pasted first: 75.3 KB in all, 1 KB more than fetched whole, the price of
 * its own chunks); 4.0 KB once `position 0` and `handle 0` were read as nft reads them.
 */
const PLAYGROUND_WORKER_NFT_SCRIPT_JS_BUDGET = 4.5 * 1024;
/**
 * What first bridge rules (ebtables-save after an iptables-save) add in the worker after that: the
 * bridge reader, with ebtables' ethertype names. 6.0 KB measured (75.4 KB in all with the readers
 * above, 1.6 KB more than fetched whole, the price of its own chunk, paid by bridge rules only); 6.2 KB
 * with `--ip-icmp-type` and the protocol it needs; 7.5 KB with the MAC NAT targets ending their chain
 * (snat, dnat, arpreply), the broute table said not simulated, and unknown jumps refused or said;
 * 8.1 KB once session 46 refused a device option in a chain whose frames have no such device.
 * 8.9 KB once session 49 read chain commands as ebtables-restore does (`-N MYCH -P RETURN`, `-P`),
 * refusing the ones it refuses, and a second command in long form. 9.9 KB once session 50 refused
 * ebtables' options given twice, read its shortened and `=` forms and options after a standard target.
 * 10.0 KB once session 53 refused an arp option given twice under a start of its name (`--arp-h 1
 * --arp-htype 1`, as ebtables-restore refuses it).
 */
const PLAYGROUND_WORKER_EBT_JS_BUDGET = 10.5 * 1024;
/** A character of the zh-TW notes (CJK ideographs, their punctuation and full-width forms). */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** Each language's playground: its path, its worker's entry and the budget of that worker's rule code. */
const PLAYGROUNDS = [
  { prefix: "", entry: "parse-worker-en", rulesBudget: PLAYGROUND_WORKER_RULES_JS_BUDGET },
  { prefix: "zh-tw/", entry: "parse-worker-zh", rulesBudget: PLAYGROUND_ZH_WORKER_RULES_JS_BUDGET },
] as const;

/**
 * The built files a playground's worker can load: its entry (`entry`, one per language) and every chunk it
 * imports, statically or not, transitively (read from the build, so a chunk the worker shares with the
 * page counts here).
 */
function workerFiles(entry: string): Set<string> {
  const dir = path.join(DIST_DIR, "_astro");
  const seen = new Set<string>();
  const todo = readdirSync(dir).filter((f) => f.startsWith(`${entry}-`) && /^[\w-]+-[\w-]{8}\.js$/.test(f));
  expect(todo.length, `the build has one parse worker ${entry}`).toBe(1);
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of readFileSync(path.join(dir, f), "utf8").matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g))
      todo.push(m[1] as string);
  }
  return seen;
}

describe.each(PLAYGROUNDS)("budgets on the playground at /$prefix", ({ prefix, entry, rulesBudget }) => {
  it(`ships <= ${PLAYGROUND_PAGE_JS_BUDGET / 1024} KB gzip of JS on load and <= ${PLAYGROUND_WORKER_JS_BUDGET / 1024} KB in its worker; Mermaid only once a diagram is drawn, Shiki (<= ${PLAYGROUND_RULES_JS_BUDGET / 1024} KB) and the worker's rule code (<= ${rulesBudget / 1024} KB, the other language's notes left out) only once rules are listed; the nft reader (<= ${PLAYGROUND_WORKER_NFT_JS_BUDGET / 1024} KB) only with nft rules, its script part (<= ${PLAYGROUND_WORKER_NFT_SCRIPT_JS_BUDGET / 1024} KB) only with a script`, async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const watch = watchPage(page, site.server.url);
      const scripts = new Map<string, number>();
      const texts = new Map<string, string>();
      const bodies: Promise<void>[] = [];
      page.on("response", (res) =>
        bodies.push(
          res
            .body()
            .then((body) => {
              if (!new URL(res.url()).pathname.endsWith(".js")) return;
              scripts.set(res.url(), gz(body));
              texts.set(res.url(), body.toString("utf8"));
            })
            .catch(() => undefined),
        ),
      );
      await page.goto(`${site.server.url}${site.server.base}${prefix}playground/`, {
        waitUntil: "networkidle",
      });
      await Promise.all(bodies);
      const inline = inlineScripts(await page.content()).reduce((sum, s) => sum + gz(s), 0);
      const onLoad = [...scripts.values()].reduce((a, b) => a + b, 0) + inline;
      const loadedUrls = new Set(scripts.keys());
      const mermaidOnLoad = [...loadedUrls].filter((u) => /mermaid/i.test(u));

      // A paste starts the worker; packet 1 is drawn, which loads Mermaid.
      const log = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/container-to-wan.log"), "utf8");
      await page.locator("[data-log]").fill(log);
      await page.locator("[data-diagram] svg").waitFor();
      await page.waitForLoadState("networkidle");
      await Promise.all(bodies);
      const later = [...scripts].filter(([u]) => !loadedUrls.has(u));
      const inWorker = workerFiles(entry);
      const ofWorker = (u: string) => inWorker.has(path.basename(new URL(u).pathname));
      const sum = (entries: [string, number][]) => entries.reduce((a, [, b]) => a + b, 0);
      const worker = sum(later.filter(([u]) => ofWorker(u)));
      const mermaid = sum(later.filter(([u]) => !ofWorker(u)));

      // A ruleset: its rules are listed, and coloured by Shiki, loaded now.
      const seen = new Set(scripts.keys());
      const rules = readFileSync(
        path.join(REPO_ROOT, "traces/docker-bridge/rulesets/docker-28.rules"),
        "utf8",
      );
      await page.locator("details[data-rules-box] summary").click();
      await page.locator("[data-rules]").fill(rules);
      await expect
        .poll(() => page.locator("[data-steps]").getAttribute("data-highlighted"), { timeout: 20_000 })
        .toBe("done");
      await page.waitForLoadState("networkidle");
      await Promise.all(bodies);
      const shiki = [...scripts].filter(([u]) => !seen.has(u) && !ofWorker(u));
      const workerRules = [...scripts].filter(([u]) => !seen.has(u) && ofWorker(u));

      /**
       * The worker files that `text` pasted as the ruleset fetches, once packet 1's steps are listed again
       * with its rules, coloured (their items replaced: the old ones were marked): there must be some.
       */
      const fetchedBy = async (text: string, what: string) => {
        const before = new Set(scripts.keys());
        const fresh = () => [...scripts].filter(([u]) => !before.has(u) && ofWorker(u));
        await page
          .locator("[data-steps] > li")
          .first()
          .evaluate((li) => li.setAttribute("data-old", ""));
        await page.locator("[data-rules]").fill(text);
        await expect
          .poll(
            async () =>
              (await page.locator("[data-steps] > li[data-old]").count()) === 0 &&
              (await page.locator("[data-steps]").getAttribute("data-highlighted")) === "done",
            { timeout: 20_000 },
          )
          .toBe(true);
        await Promise.all(bodies);
        expect(fresh().length, what).toBeGreaterThan(0);
        return fresh();
      };
      // `nft list ruleset` next: its reader comes now, an iptables-save never fetched it.
      const workerNft = await fetchedBy(
        readFileSync(path.join(REPO_ROOT, "traces/docker-bridge-nft/rulesets/docker-29-nft.rules"), "utf8"),
        "the nft reader loads with the first nft ruleset",
      );
      // The same as an /etc/nftables.conf: its variables and commands come only now, a listing never fetched them.
      const workerScript = await fetchedBy(
        readFileSync(path.join(REPO_ROOT, "test/fixtures/nft-script/docker-29-nftables.conf"), "utf8"),
        "the nft script reader loads with the first script, not before",
      );
      // An iptables-save with ebtables rules after it: the bridge reader comes only now.
      const workerEbt = await fetchedBy(
        readFileSync(
          path.join(REPO_ROOT, "traces/docker-bridge/rulesets/docker-28.instrumented-pwid.rules"),
          "utf8",
        ),
        "the bridge reader loads with the first bridge rules, not before",
      );
      console.log(
        [
          `budgets: /${prefix}playground/ JS on load ${kb(onLoad)} gzip (inline ${kb(inline)}); budget ${kb(PLAYGROUND_PAGE_JS_BUDGET)}`,
          ...[...loadedUrls].map((u) => `    ${new URL(u).pathname}: ${kb(scripts.get(u) ?? 0)} gzip`),
          `  parse worker ${kb(worker)} gzip; budget ${kb(PLAYGROUND_WORKER_JS_BUDGET)}`,
          `  Mermaid, loaded by the first diagram: ${kb(mermaid)} gzip in ${later.length - 1} file(s) (outside the budget)`,
          `  Shiki and the rule grammar, loaded by the first listed ruleset: ${kb(sum(shiki))} gzip in ${shiki.length} file(s); budget ${kb(PLAYGROUND_RULES_JS_BUDGET)}`,
          `  the worker's readers, rule engine and listings, loaded by the first ruleset: ${kb(sum(workerRules))} gzip in ${workerRules.length} file(s); budget ${kb(rulesBudget)}`,
          `  the nft reader, loaded by a first nft ruleset after it: ${kb(sum(workerNft))} gzip in ${workerNft.length} file(s); budget ${kb(PLAYGROUND_WORKER_NFT_JS_BUDGET)}`,
          `  the nft script reader, loaded by a first nft -f script after that: ${kb(sum(workerScript))} gzip in ${workerScript.length} file(s); budget ${kb(PLAYGROUND_WORKER_NFT_SCRIPT_JS_BUDGET)}`,
          `  the bridge (ebtables) reader, loaded by first bridge rules after that: ${kb(sum(workerEbt))} gzip in ${workerEbt.length} file(s); budget ${kb(PLAYGROUND_WORKER_EBT_JS_BUDGET)}`,
        ].join("\n"),
      );
      expect(shiki.length, "Shiki loads with the first listed ruleset").toBeGreaterThan(0);
      expect(sum(shiki)).toBeLessThanOrEqual(PLAYGROUND_RULES_JS_BUDGET);
      expect(workerRules.length, "the readers load with the first ruleset").toBeGreaterThan(0);
      expect(sum(workerRules)).toBeLessThanOrEqual(rulesBudget);
      expect(sum(workerNft)).toBeLessThanOrEqual(PLAYGROUND_WORKER_NFT_JS_BUDGET);
      expect(sum(workerScript)).toBeLessThanOrEqual(PLAYGROUND_WORKER_NFT_SCRIPT_JS_BUDGET);
      expect(sum(workerEbt)).toBeLessThanOrEqual(PLAYGROUND_WORKER_EBT_JS_BUDGET);
      // The English page's worker never downloads a Chinese note; the zh-TW one has them (proof the test bites).
      const workerCjk = [...texts].filter(([u, text]) => ofWorker(u) && CJK.test(text)).map(([u]) => u);
      if (prefix === "") expect(workerCjk, "no CJK in the English page's worker code").toEqual([]);
      else
        expect(workerCjk.length, "the zh-TW page's worker code carries the Chinese notes").toBeGreaterThan(0);

      expect(mermaidOnLoad, "no Mermaid before a diagram is drawn").toEqual([]);
      expect(mermaid, "Mermaid loads when the first diagram is drawn").toBeGreaterThan(0);
      expect(onLoad).toBeLessThanOrEqual(PLAYGROUND_PAGE_JS_BUDGET);
      expect(worker).toBeGreaterThan(0);
      expect(worker).toBeLessThanOrEqual(PLAYGROUND_WORKER_JS_BUDGET);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
