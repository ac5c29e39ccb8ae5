/**
 * A real host's log is full of broadcasts it took itself: NetBIOS to its subnet's last address,
 * DHCP to 255.255.255.255, each logged at INPUT (a ufw "BLOCK" line). `import` left every one out
 * ("the simulator follows unicast packets only"); now they are scenarios, and the simulator's walk
 * agrees with the log (the check that import runs passes for all three flows below).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { run } from "../../../src/cli/import-command.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const tmp = tempDir("pw-import-bcast-");

const MAC_HOST = "52:54:00:aa:bb:01";
const MAC_LAN = "52:54:00:aa:bb:cc";
const line = (t: string, mac: string, dst: string, l4: string) =>
  `Dec  5 10:00:0${t} myhost kernel: [UFW BLOCK] IN=eth0 OUT= MAC=${mac}:${MAC_LAN}:08:00 SRC=198.51.100.7 DST=${dst} LEN=78 TOS=0x00 PREC=0x00 TTL=64 ID=302${t} PROTO=${l4} `;

const MATERIAL: Record<string, string> = {
  "kernel.log": [
    line("1", "ff:ff:ff:ff:ff:ff", "198.51.100.255", "UDP SPT=137 DPT=137 LEN=58"),
    line("2", "ff:ff:ff:ff:ff:ff", "255.255.255.255", "UDP SPT=68 DPT=67 LEN=308"),
    line("3", MAC_HOST, "198.51.100.2", "TCP SPT=40000 DPT=23 WINDOW=64240 RES=0x00 SYN URGP=0"),
    "",
  ].join("\n"),
  "iptables-save.txt": `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -j LOG --log-prefix "[UFW BLOCK] "
COMMIT
`,
  "ip-addr.json": JSON.stringify([
    {
      ifindex: 1,
      ifname: "lo",
      mtu: 65536,
      link_type: "loopback",
      address: "00:00:00:00:00:00",
      addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host" }],
    },
    {
      ifindex: 2,
      ifname: "eth0",
      mtu: 1500,
      link_type: "ether",
      address: MAC_HOST,
      addr_info: [{ family: "inet", local: "198.51.100.2", prefixlen: 24, scope: "global" }],
    },
  ]),
  "sysctl.txt": [
    "net.ipv4.ip_forward = 0",
    "net.ipv4.conf.all.rp_filter = 2",
    "net.ipv4.conf.default.rp_filter = 2",
    "net.ipv4.conf.eth0.rp_filter = 0",
    "net.ipv4.icmp_echo_ignore_broadcasts = 1",
    "",
  ].join("\n"),
};

describe("a host's own broadcasts in an imported log", () => {
  it("become scenarios the simulator walks to the host's INPUT, as logged", async () => {
    const input = join(tmp(), "input");
    mkdirSync(input, { recursive: true });
    for (const [name, text] of Object.entries(MATERIAL)) writeFileSync(join(input, name), text);
    const out = join(tmp(), "out");
    const writes: string[] = [];
    const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => writes.push(String(s)) > 0);
    const std = vi.spyOn(process.stdout, "write").mockImplementation((s) => writes.push(String(s)) > 0);
    let code: number;
    try {
      code = await run([input, "--lab", "lanhost", "--out", out, "--peer", "lan=198.51.100.7"]);
    } finally {
      err.mockRestore();
      std.mockRestore();
    }
    const said = writes.join("");
    expect(said).not.toContain("left out");
    expect(said).toContain("3/3 imported traces agree with the simulator");
    expect(code).toBe(0);
    // A reverse path filter that is on is kept (Ubuntu's loose default); settings at their default are not.
    const lab = JSON.parse(readFileSync(join(out, "lanhost", "lab.json"), "utf8"));
    expect(lab.sysctls).toEqual({ "net.ipv4.ip_forward": "0", "net.ipv4.conf.all.rp_filter": "2" });
    const meta = JSON.parse(readFileSync(join(out, "lanhost", "lan-to-host-67.json"), "utf8"));
    expect(meta.traffic).toMatchObject({ from: "lan", to: "host", proto: "udp" });
    expect(meta.description).toBe(
      "UDP from 198.51.100.7 to 255.255.255.255, imported from a kernel log (1 packet).",
    );
  });
});
