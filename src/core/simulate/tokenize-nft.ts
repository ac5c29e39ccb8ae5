/**
 * Splits `nft list ruleset` text into words, strings and punctuation with their line and column,
 * keeping line ends (they end rules) and dropping `#` comments (`nft -a` prints `# handle N`). A `\`
 * ending a line joins the next line to it, as `nft -f` reads a rule written over several lines. Also
 * tells, from the words, whether the text is an `nft -f` script ({@link isNftScript}): the playground
 * then fetches the script reader (`nft-script-reader.ts`).
 */

/** One token of nft text. */
export interface NftToken {
  /** `word` (names, numbers, addresses, operators), `string` (quotes removed), `punct` (`{ } ; , :`), `nl` (line end). */
  type: "word" | "string" | "punct" | "nl";
  value: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** The text at this position when it differs from `value`: a `$variable` that this token came from. */
  written?: string;
  /** A range written with spaces (`80 - 90`, `ssh - http`): its two bounds, words apart to nft's parser. */
  bounds?: [string, string];
  /** The characters it covers on its line when not its value's: a range written with spaces. */
  width?: number;
}

/** The tokens, or the position of an unterminated string. */
export type NftTokenizeResult =
  | { ok: true; tokens: NftToken[] }
  | { ok: false; line: number; column: number; message: string; hint?: string };

const PUNCT = new Set(["{", "}", ";", ","]);

/**
 * Extensions nft with libxtables prints untranslated after a rule's words, in their save form (`oifname !=
 * "lo" # socket --transparent`, `# TPROXY redirect 127.0.0.1:42133 mark 0x200/0xffffffff`): a person's comment is not.
 */
const XT_PRINTED =
  /^#\s*(?:match-set\s+\S+\s+(?:src|dst)(?:,(?:src|dst))*(?:\s|$)|socket(?:\s+--|\s*$)|TPROXY\s+redirect\s+\S+:\d+)/;

/** Words that end a rule's matches: a comment after one is not where nft prints an extension. */
const RULE_VERDICTS: ReadonlySet<string> = new Set(
  "accept drop reject return jump goto queue continue masquerade snat dnat redirect tproxy synproxy".split(
    " ",
  ),
);

/** A verdict written against the colon before it (`443 :accept`): not a port (`dnat to :8080`). */
const VERDICT_AFTER_COLON = /^(?:accept|drop|continue|return|jump|goto|queue|reject)$/;

/** Tokenizes `text` whose first line is line `firstLine`; never throws. */
export function tokenizeNft(text: string, firstLine = 1): NftTokenizeResult {
  const tokens: NftToken[] = [];
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const src = lines[li] as string;
    const line = firstLine + li;
    let i = 0;
    let continued = false;
    while (i < src.length) {
      const ch = src[i] as string;
      // Any blank the word scan below stops at (a non-breaking space, a BOM, a lone CR): one left here looped forever.
      if (/\s/.test(ch)) {
        i++;
        continue;
      }
      if (ch === "#") {
        // nft built without libxtables lists iptables-nft's extensions as a comment (`counter # xt_MASQUERADE`):
        // read as `xt target "MASQUERADE"` (an upper-case name is a target), or the rule would lose it unsaid.
        const xt = tokens.at(-1)?.line === line ? /^#\s*xt_(\w+)/.exec(src.slice(i)) : null;
        if (xt) {
          const name = xt[1] as string;
          const kind = /^[A-Z]/.test(name) ? "target" : "match";
          tokens.push({ type: "word", value: "xt", line, column: i + 1 });
          tokens.push({ type: "word", value: kind, line, column: i + 1 });
          // Shown as written: the rule's text ends with the comment, not a quoted name.
          tokens.push({ type: "string", value: name, line, column: i + 1, written: xt[0] });
          break;
        }
        // nft with libxtables prints an extension it cannot translate as `# <its save text>`, and the rest
        // of the rule after it (`# match-set KUBE-CLUSTER-IP dst,dst counter packets 3 bytes 180 jump
        // KUBE-MARK-MASQ`): the extension is read as unmodelled, the nft text after its counter as the rule's.
        const rest = src.slice(i);
        const ext = /^#\s*(match-set|socket|[A-Z][A-Z0-9_]{2,})\s/.exec(rest);
        const counted = ext ? /\scounter packets \d+ bytes \d+(?=\s|$)/.exec(rest) : null;
        // nft prints the extension where it stands in the rule, before its verdict: after one, it is a person's note.
        let decided = false;
        for (let k = tokens.length - 1; k >= 0 && tokens[k]?.line === line && tokens[k]?.type !== "nl"; k--)
          if (RULE_VERDICTS.has(tokens[k]?.value ?? "")) decided = true;
        if (ext && !decided && (counted || (tokens.at(-1)?.line === line && XT_PRINTED.test(rest)))) {
          const name = ext[1] === "match-set" ? "set" : (ext[1] as string);
          const kind = /^[A-Z]/.test(name) ? "target" : "match";
          const written = counted ? rest.slice(0, counted.index).trimEnd() : rest.trimEnd();
          tokens.push({ type: "word", value: "xt", line, column: i + 1 });
          tokens.push({ type: "word", value: kind, line, column: i + 1 });
          tokens.push({ type: "string", value: name, line, column: i + 1, written });
          if (!counted) break;
          i += counted.index + counted[0].length;
          continue;
        }
        break;
      }
      // `\` as the line's last character continues the statement on the next line (nft 1.0.6 read
      // `tcp dport 3 \` + `accept` as one rule); anything after it, even a space, nft calls junk.
      if (ch === "\\" && src.slice(i + 1).trim() === "") {
        if (i + 1 < src.length)
          return {
            ok: false,
            line,
            column: i + 1,
            message: "a '\\' continuing a rule must be the last character of its line",
            hint: "remove what follows the '\\' (spaces too), as nft refuses it",
          };
        continued = true;
        break;
      }
      if (ch === '"') {
        const close = src.indexOf('"', i + 1);
        if (close < 0) return { ok: false, line, column: i + 1, message: "unterminated string" };
        // nft's strings have no escapes: `\"` ends the string, and the text glued after it is junk to nft.
        const next = src.charAt(close + 1);
        if (src.charAt(close - 1) === "\\" && next !== "" && !/[\s;},]/.test(next))
          return {
            ok: false,
            line,
            column: close + 2,
            message: `nft's strings have no escapes: the '"' after '\\' ends the string, and nft refuses what follows it ("syntax error, unexpected junk")`,
            hint: "write the string without double quotes inside it (single quotes are fine)",
          };
        tokens.push({ type: "string", value: src.slice(i + 1, close), line, column: i + 1 });
        i = close + 1;
        continue;
      }
      // Typographic quotes come with text copied from mail and web pages; nft's scanner calls them junk.
      if (ch === "\u201c" || ch === "\u201d" || ch === "\u2018" || ch === "\u2019")
        return {
          ok: false,
          line,
          column: i + 1,
          message: `'${ch}' is a typographic quote: nft refuses it ("syntax error, unexpected junk")`,
          hint: 'write straight double quotes ("...") around a string',
        };
      // The transport header's ports as a raw payload: what nft lists as `th sport` and `th dport`.
      const raw = ch === "@" ? /^@th,(0|16),16(?=[\s;},]|$)/.exec(src.slice(i)) : null;
      if (raw) {
        tokens.push({ type: "word", value: "th", line, column: i + 1, written: raw[0] });
        tokens.push({
          type: "word",
          value: raw[1] === "0" ? "sport" : "dport",
          line,
          column: i + 1,
          written: raw[0],
        });
        i += raw[0].length;
        continue;
      }
      if (PUNCT.has(ch)) {
        tokens.push({ type: "punct", value: ch, line, column: i + 1 });
        i++;
        continue;
      }
      let j = i;
      while (
        j < src.length &&
        !/[\s{};,"#]/.test(src[j] as string) &&
        !(j > i && src[j] === "\\" && j === src.length - 1)
      )
        j++;
      const word = src.slice(i, j);
      // A lone colon separates a map element's key from its verdict; nft's scanner makes it a token of its
      // own, so `80: drop` and `443 :accept` are `80 : drop` and `443 : accept` (an IPv6 key ends in `::`).
      // `2001:db8::: accept`: an address ending in `::` against the colon.
      if (word.length > 1 && word.endsWith(":") && (!word.endsWith("::") || word.endsWith(":::"))) {
        tokens.push({ type: "word", value: word.slice(0, -1), line, column: i + 1 });
        tokens.push({ type: "punct", value: ":", line, column: j });
      } else if (word.length > 1 && word.startsWith(":") && VERDICT_AFTER_COLON.test(word.slice(1))) {
        tokens.push({ type: "punct", value: ":", line, column: i + 1 });
        tokens.push({ type: "word", value: word.slice(1), line, column: i + 2 });
      } else if (/^[^:]+:[a-z]+$/.test(word) && VERDICT_AFTER_COLON.test(word.slice(word.indexOf(":") + 1))) {
        // `{established:accept,80:drop}`: no space on either side (an IPv6 key has more colons).
        const colon = word.indexOf(":");
        tokens.push({ type: "word", value: word.slice(0, colon), line, column: i + 1 });
        tokens.push({ type: "punct", value: ":", line, column: i + colon + 1 });
        tokens.push({ type: "word", value: word.slice(colon + 1), line, column: i + colon + 2 });
      } else if (word === ":") tokens.push({ type: "punct", value: word, line, column: i + 1 });
      // nft's scanner makes an operator a token of its own, glued or not (`tcp dport !=22`, `ct state!=new`,
      // `tcp flags !syn`, `meta mark &0xff ==1`: nft 1.0.6 took each as spaced); `|` stays on its flags.
      else
        for (const m of word.matchAll(/[!=<>]=|<<|>>|[<>&!=]|[^!=<>&]+/g))
          tokens.push({ type: "word", value: m[0], line, column: i + 1 + m.index });
      i = j;
    }
    if (!continued) tokens.push({ type: "nl", value: "\n", line, column: src.length + 1 });
  }
  return { ok: true, tokens: joinSpacedRanges(tokens) };
}

/** A number or an address: a bound of a range. */
const BOUND = /^(?:\d+|0x[0-9a-f]+|[0-9a-f]*:[0-9a-f:.]*|\d+\.\d+\.\d+\.\d+)$/i;

/**
 * A NAT statement's address (or address range) with its port, `10.0.0.1:80`, `10.0.0.1-10.0.0.3:80`,
 * `[fd00::1]:80`: nft 1.0.6 takes a spaced port range after it (`dnat to 10.0.0.1:80 - 90`, listed
 * `10.0.0.1:80-90`), and the port-bearing address as a spaced address range's end (`10.0.0.1 - 10.0.0.3:80`).
 */
const NAT_PORTED =
  /^(?:\d+\.\d+\.\d+\.\d+(?:-\d+\.\d+\.\d+\.\d+)?|\[[0-9a-f:.]+\](?:-\[[0-9a-f:.]+\])?):\d+$/i;

/** Whether `lo` and `hi`, a spaced `-` between them, are one range nft's parser reads as one word. */
const joinable = (lo: string, hi: string): boolean =>
  (BOUND.test(lo) && BOUND.test(hi)) ||
  (NAT_PORTED.test(lo) && /^\d+$/.test(hi)) ||
  (/^\d+\.\d+\.\d+\.\d+$/.test(lo) && /^\d+\.\d+\.\d+\.\d+:\d+$/.test(hi));

/**
 * A range written with spaces (`{ 80 - 90 }`, `300 -310`, `300- 310`) as the one word nft's parser makes of
 * it (`80-90`), at its first bound's position. A chain's `priority filter - 5` is no range of values.
 */
export function joinSpacedRanges(tokens: NftToken[]): NftToken[] {
  const out: NftToken[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as NftToken;
    const prev = out.at(-1);
    const bound = prev?.type === "word" && out.at(-2)?.value !== "priority";
    const lo = bound ? (prev as NftToken).value : "";
    let joined: [string, string] | undefined;
    let skip = 0;
    if (t.type !== "word" || !bound) joined = undefined;
    else if (t.value === "-" && tokens[k + 1]?.type === "word" && joinable(lo, tokens[k + 1]?.value ?? "")) {
      joined = [lo, tokens[k + 1]?.value as string];
      skip = 1;
    } else if (t.value.startsWith("-") && joinable(lo, t.value.slice(1))) joined = [lo, t.value.slice(1)];
    else if (lo.endsWith("-") && joinable(lo.slice(0, -1), t.value)) joined = [lo.slice(0, -1), t.value];
    if (joined !== undefined) {
      const last = tokens[k + skip] as NftToken;
      const width = last.column + last.value.length - (prev as NftToken).column;
      out[out.length - 1] = { ...(prev as NftToken), value: joined.join("-"), bounds: joined, width };
      k += skip;
    } else out.push(t);
  }
  return out;
}

/** Commands of an `nft -f` script, besides `table` blocks and `define`. */
export const SCRIPT_VERBS: ReadonlySet<string> = new Set([
  "add",
  "create",
  "insert",
  "flush",
  "delete",
  "destroy",
]);

/** The words of an `nft -f` script's variables, besides a `$NAME`. */
const VARIABLE_WORDS = new Set(["define", "redefine", "undefine"]);

/**
 * Whether nft text needs the script reader (`nft-script-reader.ts`): it holds a variable (a `$NAME`
 * word, `define`, `redefine`, `undefine`) or a command word (`add`, `flush`, ...) not followed by a set
 * (`add @s` and `flow add @ft` are a rule's statements). Text without any is read alike with or without
 * it: `nft list ruleset` output never needs it. Text that cannot be split into words counts as a script.
 */
export function isNftScript(text: string): boolean {
  const tk = tokenizeNft(text);
  return !tk.ok || hasScriptWords(tk.tokens);
}

/** Whether `tokens` hold a variable or a command word (see {@link isNftScript}): text written for `nft -f`, not listed by nft. */
export function hasScriptWords(tokens: readonly NftToken[]): boolean {
  return tokens.some(
    (t, k) =>
      t.type === "word" &&
      (t.value.startsWith("$") ||
        VARIABLE_WORDS.has(t.value) ||
        (SCRIPT_VERBS.has(t.value) && !tokens[k + 1]?.value.startsWith("@"))),
  );
}
