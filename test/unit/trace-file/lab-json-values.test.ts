/**
 * lab.json's values and cross-references are checked where the file is read: a malformed address,
 * a sysctl that is not a switch's value, a gateway that is no address, and a route, bridge or peer
 * naming an interface the lab lacks, or two hosts of one name, are each a positioned error at the
 * field, not a lab the simulator silently gets wrong.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateLabText } from "../../../src/core/trace-file/load-trace.ts";
import { LabError, loadLab } from "../../../src/lab/load-lab.ts";

const ROOT = join(import.meta.dirname, "../../..");
const BASE = readFileSync(join(ROOT, "traces/docker-bridge/lab.json"), "utf8");

interface Iface {
  name: string;
  addresses: string[];
  bridge?: string;
  peer?: string;
}
interface Host {
  name: string;
  interfaces: Iface[];
  routes: { to: string; via?: string; dev?: string; type?: string }[];
}
interface LabJson {
  hosts: Host[];
  sysctls: Record<string, unknown>;
}

/** docker-bridge's lab.json changed by `edit`, as pretty-printed text. */
function labText(edit: (lab: LabJson) => void): string {
  const lab = JSON.parse(BASE) as LabJson;
  edit(lab);
  return `${JSON.stringify(lab, null, 2)}\n`;
}

/** `lab.json:line:col` of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 1): string {
  let i = -1;
  for (let n = 0; n < nth; n++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in the text`);
  const line = text.slice(0, i).split("\n").length;
  return `lab.json:${line}:${i - text.lastIndexOf("\n", i - 1)}`;
}

/** The errors of `text` as lab.json. */
function errors(text: string): string[] {
  const result = validateLabText(text, "lab.json");
  return result.ok ? [] : result.errors;
}

const c1 = (lab: LabJson) => lab.hosts[1] as Host;

describe("lab.json interface addresses", () => {
  it("rejects an address whose octet is out of range, at the element", () => {
    const text = labText((lab) => {
      (c1(lab).interfaces[1] as Iface).addresses = ["172.17.0.999/16"];
    });
    expect(errors(text)).toEqual([
      `${at(text, '"172.17.0.999/16"')}: hosts[1].interfaces[1].addresses[0]: '172.17.0.999/16' is not an address: expected an IPv4 or IPv6 address with its prefix length, e.g. 172.17.0.2/16 or fd00:a::2/64`,
    ]);
  });

  it("requires the prefix length, which gives the connected subnet", () => {
    const text = labText((lab) => {
      (c1(lab).interfaces[1] as Iface).addresses = ["172.17.0.2", "fd00:a::2"];
    });
    expect(errors(text)).toEqual([
      `${at(text, '"172.17.0.2"')}: hosts[1].interfaces[1].addresses[0]: '172.17.0.2' has no prefix length: expected it as ip addr shows it, e.g. 172.17.0.2/16 (/32 for an address alone)`,
      `${at(text, '"fd00:a::2"')}: hosts[1].interfaces[1].addresses[1]: 'fd00:a::2' has no prefix length: expected it as ip addr shows it, e.g. fd00:a::2/64 (/128 for an address alone)`,
    ]);
  });

  it("rejects a prefix length the family cannot have", () => {
    const text = labText((lab) => {
      (c1(lab).interfaces[1] as Iface).addresses = ["172.17.0.2/33", "fd00:a::2/129", "172.17.0.2/x"];
    });
    expect(errors(text).map((e) => e.replace(/^\S+ \S+ /, ""))).toEqual([
      "'172.17.0.2/33': the prefix length must be 0-32 for an IPv4 address",
      "'fd00:a::2/129': the prefix length must be 0-128 for an IPv6 address",
      "'172.17.0.2/x': the prefix length must be 0-32 for an IPv4 address",
    ]);
  });
});

describe("lab.json sysctls", () => {
  it('rejects a value other than "0" or "1", at its key', () => {
    const text = labText((lab) => {
      lab.sysctls["net.ipv4.ip_forward"] = "yes";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"net.ipv4.ip_forward"')}: sysctls.net.ipv4.ip_forward: 'yes' is not a value of this switch: expected "0" or "1" (as sysctl prints it), e.g. "net.ipv4.ip_forward": "1"`,
    ]);
  });

  it("says a number must be written as a string", () => {
    const text = labText((lab) => {
      lab.sysctls["net.ipv4.ip_forward"] = 1;
    });
    expect(errors(text)).toEqual([
      `${at(text, '"net.ipv4.ip_forward"')}: sysctls.net.ipv4.ip_forward: expected "0" or "1" (a string, as sysctl prints it), e.g. "net.ipv4.ip_forward": "1"`,
    ]);
  });
});

describe("lab.json routes", () => {
  it("rejects a gateway that is not an address", () => {
    const text = labText((lab) => {
      (c1(lab).routes[0] as Host["routes"][0]).via = "notanip";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"via": "notanip"')}: hosts[1].routes[0].via: 'notanip' is not a gateway address: expected an IPv4 or IPv6 address without prefix length, e.g. 172.17.0.1 or fd00:a::1`,
    ]);
  });

  it("rejects a destination that is neither default nor a prefix", () => {
    const text = labText((lab) => {
      (c1(lab).routes[1] as Host["routes"][0]).to = "172.17.0/16";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"to": "172.17.0/16"')}: hosts[1].routes[1].to: '172.17.0/16' is not a destination: expected "default" or a prefix as ip route shows it, e.g. 172.17.0.0/16 or fd00:a::/64`,
    ]);
  });

  it("rejects a dev the host has no interface of, with the one it likely meant", () => {
    const text = labText((lab) => {
      (c1(lab).routes[0] as Host["routes"][0]).dev = "eth9";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"dev": "eth9"')}: hosts[1].routes[0].dev: 'eth9' is not an interface of host 'c1': expected one of lo, eth0; did you mean 'eth0'?`,
    ]);
  });

  it("takes routes of type unreachable, prohibit and blackhole, which have no gateway or device", () => {
    const text = labText((lab) => {
      c1(lab).routes.push(
        { to: "192.0.2.0/26", type: "unreachable" },
        { to: "192.0.2.64/26", type: "prohibit" },
        { to: "2001:db8:f::/48", type: "blackhole" },
        { to: "192.0.2.128/26", type: "unicast", dev: "eth0" },
      );
    });
    expect(errors(text)).toEqual([]);
  });

  it("rejects a refusing route with a device or gateway, a unicast one without a device, and an unknown type", () => {
    const text = labText((lab) => {
      c1(lab).routes.push(
        { to: "192.0.2.0/26", dev: "eth0", type: "blackhole" },
        { to: "192.0.2.64/26", via: "172.17.0.1" },
        { to: "192.0.2.128/26", type: "throw" },
      );
    });
    expect(errors(text)).toEqual([
      `${at(text, '"dev": "eth0",\n          "type": "blackhole"')}: hosts[1].routes[2].dev: a blackhole route has no device: remove "dev" (ip route refuses it: "Gateway, device and multipath can not be specified for this route type")`,
      // A missing field is placed at its object.
      `${at(text, '{\n          "to": "192.0.2.64/26"')}: hosts[1].routes[3].dev: the route to 192.0.2.64/26 needs "dev", the interface it leaves by (or a "type": unreachable, prohibit or blackhole)`,
      `${at(text, '"type": "throw"')}: hosts[1].routes[4].type: 'throw' is not a route type: expected unicast, unreachable, prohibit, blackhole`,
    ]);
  });

  it('tells a destination written with its type, as ip route prints it, to put the type in "type"', () => {
    const text = labText((lab) => {
      c1(lab).routes.push({ to: "unreachable 192.0.2.0/24" });
    });
    expect(errors(text)[0]).toBe(
      `${at(text, '"to": "unreachable 192.0.2.0/24"')}: hosts[1].routes[2].to: 'unreachable 192.0.2.0/24' holds the route's type: write the destination alone in "to" and the type in "type", e.g. {"to": "192.0.2.0/24", "type": "unreachable"}`,
    );
  });
});

describe("lab.json links", () => {
  it("rejects a bridge the host does not have", () => {
    const text = labText((lab) => {
      ((lab.hosts[0] as Host).interfaces[2] as Iface).bridge = "docker9";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"bridge": "docker9"')}: hosts[0].interfaces[2].bridge: 'docker9' is not a bridge of host 'host': expected one of its interfaces of kind "bridge" (docker0); did you mean 'docker0'?`,
    ]);
  });

  it("rejects a bridge that names an interface of another kind", () => {
    const text = labText((lab) => {
      ((lab.hosts[0] as Host).interfaces[2] as Iface).bridge = "eth0";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"bridge": "eth0"')}: hosts[0].interfaces[2].bridge: 'eth0' is an interface of host 'host' but not a bridge (kind "veth"): expected a bridge of the host (docker0), or give eth0 "kind": "bridge"`,
    ]);
  });

  it("rejects a peer that is no interface of the lab, naming the one that points back", () => {
    const text = labText((lab) => {
      ((lab.hosts[0] as Host).interfaces[2] as Iface).peer = "c1/eth5";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"peer": "c1/eth5"')}: hosts[0].interfaces[2].peer: 'c1/eth5' is not an interface of the lab: expected host/interface, the other end of the link; did you mean 'c1/eth0'? (it names host/veth-c1 as its peer)`,
    ]);
  });

  it("rejects a peer without its host part, with the interfaces of that name", () => {
    const text = labText((lab) => {
      const wanEth0 = (lab.hosts[3] as Host).interfaces[1] as Iface;
      wanEth0.peer = "eth0";
      // Nothing points back at wan/eth0 now: the guesses are the interfaces named eth0.
      delete ((lab.hosts[0] as Host).interfaces[4] as Iface).peer;
    });
    expect(errors(text)).toEqual([
      `${at(text, '"peer": "eth0"')}: hosts[3].interfaces[1].peer: 'eth0' is not an interface of the lab: expected host/interface, the other end of the link; name its host too: host/eth0 or c1/eth0 or c2/eth0`,
    ]);
  });
});

describe("lab.json roles and bridges", () => {
  it("asks for exactly one docker-host, the host the rulesets run on", () => {
    const none = labText((lab) => {
      (lab.hosts[0] as Host & { role: string }).role = "other";
    });
    expect(errors(none)).toEqual([
      `${at(none, '"hosts"')}: hosts: no host has role "docker-host": expected the one host whose rulesets the lab holds (the simulator runs them there), e.g. "role": "docker-host"`,
    ]);
    const two = labText((lab) => {
      (c1(lab) as Host & { role: string }).role = "docker-host";
    });
    expect(errors(two)).toEqual([
      `${at(two, '"hosts"')}: hosts: 2 hosts have role "docker-host": expected one, the host whose rulesets the lab holds; give the others role "other"`,
    ]);
  });

  it("refuses a bridge as a port of a bridge, itself included, as the kernel does", () => {
    const text = labText((lab) => {
      ((lab.hosts[0] as Host).interfaces[1] as Iface).bridge = "docker0";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"bridge": "docker0"')}: hosts[0].interfaces[1].bridge: 'docker0' is a bridge and cannot be a port of bridge 'docker0': the kernel refuses it ("Can not enslave a bridge to a bridge"); remove "bridge" or connect them with a veth pair`,
    ]);
  });
});

describe("lab.json names", () => {
  it("names a duplicate host at its second name, and nothing that follows from it", () => {
    const text = labText((lab) => {
      c1(lab).name = "host";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"name": "host"', 2)}: hosts[1].name: 'host' is already the name of hosts[0]: every host needs its own name (traces, routes and peers name hosts by it); rename one`,
    ]);
  });

  it("names a duplicate interface of one host", () => {
    const text = labText((lab) => {
      ((lab.hosts[0] as Host).interfaces[3] as Iface).name = "veth-c1";
    });
    expect(errors(text)).toEqual([
      `${at(text, '"name": "veth-c1"', 2)}: hosts[0].interfaces[3].name: 'veth-c1' is already the name of interfaces[2] of host 'host': every interface of a host needs its own name; rename one`,
    ]);
  });
});

describe("a lab with a bad value", () => {
  it("does not load: loadLab throws a LabError with the positioned message", () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-lab-values-"));
    try {
      writeFileSync(
        join(dir, "lab.json"),
        labText((lab) => {
          lab.sysctls["net.ipv4.ip_forward"] = "yes";
        }),
      );
      expect(() => loadLab(dir)).toThrow(LabError);
      expect(() => loadLab(dir)).toThrow(/lab\.json:\d+:\d+: sysctls\.net\.ipv4\.ip_forward: 'yes'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("every committed lab.json", () => {
  const labs = [
    ...readdirSync(join(ROOT, "traces"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `traces/${d.name}/lab.json`),
    ...readdirSync(join(ROOT, "test/fixtures/simulate"), { withFileTypes: true })
      .map((d) => `test/fixtures/simulate/${d.name}/lab.json`)
      .filter((path) => existsSync(join(ROOT, path))),
  ];

  it("finds the labs: IPv6-only, dual-stack and nftables among them", () => {
    expect(labs).toContain("traces/nft-routed-v6/lab.json");
    expect(labs).toContain("traces/dual-stack/lab.json");
    expect(labs).toContain("traces/docker-bridge-nft/lab.json");
  });

  it.each(labs)("%s passes", (path) => {
    expect(errors(readFileSync(join(ROOT, path), "utf8"))).toEqual([]);
  });
});
