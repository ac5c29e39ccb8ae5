/**
 * The playground's words in each site language. The page embeds the
 * reader's language as JSON, so the script ships no translation it does not use.
 */

/** Every string the playground shows. `{n}`-style placeholders are filled by {@link fill}. */
export interface PlaygroundStrings {
  title: string;
  lead: string;
  privacy: string;
  logLabel: string;
  logHelp: string;
  chooseFile: string;
  dropHere: string;
  bigPaste: string;
  rulesLabel: string;
  rulesHelp: string;
  parse: string;
  clear: string;
  share: string;
  shareCopied: string;
  shareReady: string;
  shareTooLong: string;
  shareCorrupt: string;
  shareVersion: string;
  shareRestored: string;
  shareUrlLabel: string;
  parsing: string;
  parsed: string;
  parseFailed: string;
  noPackets: string;
  /** No packet: the netfilter lines' LOG prefixes name no chain (the prefix form is below). */
  noPacketsPlaced: string;
  /** Parse with nothing to parse. */
  emptyInput: string;
  /** After the status, when the pasted ruleset has problems: their counts. */
  rulesetCount: string;
  problems: string;
  /** Under a warning that later lines repeat: the one other line ({lines}). */
  moreLikeItOne: string;
  /** Under a warning that later lines repeat: {n} others, their line numbers ({lines}, at most 20 then "…"). */
  moreLikeIt: string;
  skipped: string;
  skippedMore: string;
  unknownTitle: string;
  unknownHelp: string;
  unknownLines: string;
  mapTo: string;
  mapButton: string;
  mappedTitle: string;
  unmap: string;
  rulesetProblems: string;
  packets: string;
  packetsSummary: string;
  flow: string;
  request: string;
  reply: string;
  hooks: string;
  rewrites: string;
  showPacket: string;
  /** A NAT no line of the packet shows, read off the other direction: {rewrite}, {other} (request or reply). */
  unseenRewrite: string;
  showMore: string;
  packetTitle: string;
  view: string;
  viewMap: string;
  viewPath: string;
  drawing: string;
  drawFailed: string;
  steps: string;
  logLine: string;
  line: string;
  rules: string;
  noRules: string;
  /** Before the trace's rules the pasted ruleset does not have (listed after it): one rule, several. */
  unlistedRule: string;
  unlistedRules: string;
  matched: string;
  policy: string;
  source: string;
  mermaidSource: string;
  anonymize: string;
  anonTitle: string;
  anonSummary: string;
  anonNothing: string;
  anonFailed: string;
  anonKept: string;
  anonMore: string;
  anonLog: string;
  anonRules: string;
  before: string;
  after: string;
  predicted: string;
  fullScreen: string;
}

const en: PlaygroundStrings = {
  title: "Playground: paste your own log",
  lead: "Paste or drop a kernel log (dmesg, journalctl -k, syslog, xtables-monitor --trace, nft monitor trace) and see what packetwalk parse sees: the packets and their flows, the hooks each one crossed in order with its NAT rewrites, and the map of the packet you pick.",
  privacy:
    "Everything runs in your browser. Nothing you paste leaves this page: it has no server to send it to, and its security policy forbids any request but its own files.",
  logLabel: "Kernel log",
  logHelp:
    "Log lines of iptables, ebtables or nft rules, TRACE output (xtables-monitor, nft monitor trace), in any dmesg, journalctl or syslog form.",
  chooseFile: "Open a log file",
  dropHere: "or drop a file on the box",
  bigPaste: "{size} pasted: too big to show in the box; it is parsed as is.",
  rulesLabel: "Ruleset (optional)",
  rulesHelp:
    "The output of iptables-save (then of ebtables-save), or of nft list ruleset: each step then lists the rules of its chain, and the ones that matched: from the kernel's TRACE lines, or for LOG lines from packetwalk's simulator.",
  parse: "Parse",
  clear: "Clear",
  share: "Copy link",
  shareCopied: "Link copied. It holds the log itself, compressed, after the # (which browsers never send).",
  shareReady:
    "Here is the link; it holds the log itself, compressed, after the # (which browsers never send).",
  shareTooLong:
    "This input makes a link of {chars} characters, more than {limit}: too long for many chats and browsers. Keep only the lines of the packets you want to show and try again.",
  shareCorrupt: "The link's data cannot be read: it was cut short or changed on the way.",
  shareVersion: "The link was made by another version of this page and cannot be read here.",
  shareRestored: "The log from the link was restored and parsed.",
  shareUrlLabel: "Link to this input",
  parsing: "Parsing: {percent}% ({packets} {packets:packet|packets} so far)",
  parsed:
    "{packets} {packets:packet|packets} from {events} netfilter {events:line|lines}; {skipped} other {skipped:line|lines} skipped; {errors} {errors:error|errors}, {warnings} {warnings:warning|warnings} ({ms} ms).",
  parseFailed: "The parse stopped: {message}",
  noPackets: "No netfilter packet was found in the input.",
  noPacketsPlaced:
    'No packet could be placed: the netfilter lines\' LOG prefixes name no chain. Say which chain wrote each one under "Unknown LOG prefixes" below, or paste the ruleset that logged them.',
  emptyInput: "Paste kernel log lines first, or open a log file.",
  rulesetCount:
    'Ruleset: {errors} {errors:error|errors}, {warnings} {warnings:warning|warnings} (see "Problems in the ruleset").',
  problems: "Problems",
  moreLikeItOne: "and 1 more like it, at line {lines}",
  moreLikeIt: "and {n} more like it, at lines {lines}",
  skipped: "Skipped lines (not netfilter output): {lines}",
  skippedMore: "and {n} more",
  unknownTitle: "Unknown LOG prefixes",
  unknownHelp:
    "packetwalk cannot tell which table and chain wrote these prefixes. Say it here (the CLI's --prefix-map) and the log is parsed again.",
  unknownLines: "{n} {n:line|lines}, first on line {line}",
  mapTo: "Chain of {prefix}",
  mapButton: "Map",
  mappedTitle: "Prefix map",
  unmap: "Remove {prefix}",
  rulesetProblems: "Problems in the ruleset",
  packets: "Packets",
  packetsSummary: "{packets} {packets:packet|packets} in {flows} {flows:flow|flows}",
  flow: "flow",
  request: "request",
  reply: "reply",
  hooks: "Hooks",
  rewrites: "Rewrites",
  showPacket: "Steps and map of #{id}",
  unseenRewrite: "then {rewrite}: no line shows it, the {other}'s addresses do",
  showMore: "Show {n} more {n:packet|packets}",
  packetTitle: "Packet #{id}",
  view: "Diagram",
  viewMap: "Map",
  viewPath: "Path",
  drawing: "Drawing the diagram…",
  drawFailed: "The diagram could not be drawn: {message}",
  steps: "Steps",
  logLine: "Log line",
  line: "line {line}",
  rules: "Rules of this chain",
  noRules: "The ruleset has no rules in this chain.",
  unlistedRule:
    "The trace says this rule matched here, but the pasted ruleset does not have it: was it saved on another machine, or before a change?",
  unlistedRules:
    "The trace says these rules matched here, but the pasted ruleset does not have them: was it saved on another machine, or before a change?",
  matched: "matched",
  policy: "policy",
  source: "Mermaid source of this diagram",
  mermaidSource: "Mermaid source",
  anonymize: "Anonymise",
  anonTitle: "Anonymised",
  anonSummary:
    "Replaced as packetwalk import --anonymize does, each with the same stand-in in the log and the ruleset: public addresses {addresses}, MACs {macs}, host names {hostnames}. Lines changed: {log} in the log, {rules} in the ruleset. A link copied now carries this text, not yours.",
  anonNothing:
    "Nothing to replace: no public address, MAC or host name in the input. Private addresses (10/8, 172.16/12, 192.168/16, 100.64/10) are kept, as packetwalk import keeps them.",
  anonFailed: "Not anonymised: {message}. Keep fewer networks in the input and try again.",
  anonKept:
    "Private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, IPv6 fc00::/7 and fe80::/10) and documentation ones (TEST-NET, 2001:db8::/32) are kept; a global IPv6 address moves to 2001:db8::/32, and an IPv6 interface id made from a MAC follows that MAC's stand-in.",
  anonMore: "Before and after, one line for each replacement:",
  anonLog: "log",
  anonRules: "ruleset",
  before: "before",
  after: "after",
  predicted: "simulator",
  fullScreen: "Full screen",
};

const zhTw: PlaygroundStrings = {
  title: "試玩區：貼上你自己的日誌",
  lead: "貼上或拖放一段核心日誌（dmesg、journalctl -k、syslog、xtables-monitor --trace、nft monitor trace），就能看到 packetwalk parse 看到的內容：封包與連線、每個封包依序經過的 hook 和 NAT 改寫，以及你選的封包在地圖上的路徑。",
  privacy:
    "所有處理都在你的瀏覽器裡進行。你貼上的內容不會離開這個頁面：它沒有伺服器可以傳送，而且頁面的安全政策禁止任何自身檔案以外的請求。",
  logLabel: "核心日誌",
  logHelp:
    "iptables、ebtables 或 nft 規則寫下的日誌行、TRACE 輸出（xtables-monitor、nft monitor trace），任何 dmesg、journalctl 或 syslog 格式皆可。",
  chooseFile: "開啟日誌檔",
  dropHere: "或把檔案拖放到方框上",
  bigPaste: "已貼上 {size}：太大，不在方框中顯示；會直接解析。",
  rulesLabel: "規則集（選填）",
  rulesHelp:
    "iptables-save 的輸出（接著是 ebtables-save 的輸出），或 nft list ruleset 的輸出：每一步會列出該 chain 的規則以及命中的規則：來自核心的 TRACE 行，若是 LOG 行則來自 packetwalk 的模擬器。",
  parse: "解析",
  clear: "清除",
  share: "複製連結",
  shareCopied: "已複製連結。日誌本身經壓縮後放在 # 之後（瀏覽器從不傳送這一段）。",
  shareReady: "這是連結；日誌本身經壓縮後放在 # 之後（瀏覽器從不傳送這一段）。",
  shareTooLong:
    "這份輸入產生的連結有 {chars} 個字元，超過 {limit}：對許多聊天軟體和瀏覽器來說太長。請只保留你想展示的封包的行，再試一次。",
  shareCorrupt: "無法讀取連結中的資料：它在傳遞途中被截斷或更改了。",
  shareVersion: "這個連結由另一個版本的頁面產生，這裡無法讀取。",
  shareRestored: "已還原並解析連結中的日誌。",
  shareUrlLabel: "這份輸入的連結",
  parsing: "解析中：{percent}%（目前 {packets} 個封包）",
  parsed:
    "從 {events} 行 netfilter 日誌得到 {packets} 個封包；略過 {skipped} 行其他內容；{errors} 個錯誤、{warnings} 個警告（{ms} 毫秒）。",
  parseFailed: "解析中止：{message}",
  noPackets: "輸入中找不到任何 netfilter 封包。",
  noPacketsPlaced:
    "沒有任何封包能放到 hook 上：這些 netfilter 行的 LOG 前綴沒有指出是哪條 chain 寫的。請在下方「未知的 LOG 前綴」指定每個前綴是哪條 chain 寫的，或貼上記錄它們的規則集。",
  emptyInput: "請先貼上核心日誌的行，或開啟日誌檔。",
  rulesetCount: "規則集：{errors} 個錯誤、{warnings} 個警告（見「規則集中的問題」）。",
  problems: "問題",
  moreLikeItOne: "另有 1 個相同的問題，在第 {lines} 行",
  moreLikeIt: "另有 {n} 個相同的問題，在第 {lines} 行",
  skipped: "略過的行（不是 netfilter 輸出）：{lines}",
  skippedMore: "以及另外 {n} 行",
  unknownTitle: "未知的 LOG 前綴",
  unknownHelp:
    "packetwalk 無法判斷這些前綴是哪個 table 與 chain 寫的。在這裡指定（等同 CLI 的 --prefix-map），日誌會重新解析。",
  unknownLines: "{n} 行，第一次出現在第 {line} 行",
  mapTo: "{prefix} 的 chain",
  mapButton: "對應",
  mappedTitle: "前綴對應",
  unmap: "移除 {prefix}",
  rulesetProblems: "規則集中的問題",
  packets: "封包",
  packetsSummary: "{flows} 條連線中的 {packets} 個封包",
  flow: "連線",
  request: "請求",
  reply: "回應",
  hooks: "Hook",
  rewrites: "改寫",
  showPacket: "#{id} 的步驟與地圖",
  unseenRewrite: "之後 {rewrite}：沒有日誌行顯示，{other}的位址顯示了它",
  showMore: "再顯示 {n} 個封包",
  packetTitle: "封包 #{id}",
  view: "圖",
  viewMap: "地圖",
  viewPath: "路徑",
  drawing: "正在繪製圖…",
  drawFailed: "無法繪製圖：{message}",
  steps: "步驟",
  logLine: "日誌",
  line: "第 {line} 行",
  rules: "此 chain 的規則",
  noRules: "規則集在此 chain 沒有規則。",
  unlistedRule:
    "trace 記錄這條規則在此命中，但貼上的規則集中沒有它：規則集是否存自另一台機器，或存於變更之前？",
  unlistedRules:
    "trace 記錄這些規則在此命中，但貼上的規則集中沒有它們：規則集是否存自另一台機器，或存於變更之前？",
  matched: "命中",
  policy: "預設策略",
  source: "此圖的 Mermaid 原始碼",
  mermaidSource: "Mermaid 原始碼",
  anonymize: "匿名化",
  anonTitle: "已匿名化",
  anonSummary:
    "已依 packetwalk import --anonymize 的方式替換，同一個原值在日誌與規則集中用同一個替代值：公開位址 {addresses} 個、MAC {macs} 個、主機名稱 {hostnames} 個。改動的行：日誌 {log} 行、規則集 {rules} 行。現在複製的連結帶的是這份文字，而不是你原本的。",
  anonNothing:
    "沒有需要替換的內容：輸入中沒有公開位址、MAC 或主機名稱。私有位址（10/8、172.16/12、192.168/16、100.64/10）會保留，與 packetwalk import 相同。",
  anonFailed: "未匿名化：{message}。請在輸入中保留較少的網段後再試一次。",
  anonKept:
    "私有位址（10/8、172.16/12、192.168/16、100.64/10，IPv6 的 fc00::/7 與 fe80::/10）與文件用位址（TEST-NET、2001:db8::/32）會保留；全域 IPv6 位址會換到 2001:db8::/32，由 MAC 產生的 IPv6 介面識別碼會跟著該 MAC 的替代值一起換。",
  anonMore: "改前與改後，每種替換各示一行：",
  anonLog: "日誌",
  anonRules: "規則集",
  before: "改前",
  after: "改後",
  predicted: "模擬器",
  fullScreen: "全螢幕",
};

/** The strings of each site locale. */
export const PLAYGROUND_STRINGS: Record<"en" | "zh-tw", PlaygroundStrings> = { en, "zh-tw": zhTw };

/**
 * Fills `{name}` placeholders of `text` from `values`; `{name:one|other}` is the word for the count
 * `name`: `one` when it is 1, else `other` (`{n} {n:line|lines}`).
 */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(
    /\{(\w+)(?::([^|{}]*)\|([^{}]*))?\}/g,
    (whole, name: string, one?: string, other?: string) => {
      const v = values[name];
      if (v === undefined) return whole;
      if (one === undefined) return String(v);
      return Number(v) === 1 ? one : (other ?? "");
    },
  );
}
