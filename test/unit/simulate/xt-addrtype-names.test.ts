/**
 * `-m addrtype`'s type names: libxt_addrtype takes the route types in any case, alone or joined by
 * commas, and refuses any other word (iptables-restore 1.8.9 on kernel 6.18: `addrtype: bad type
 * "ADDRTYPE"`, seen in a Proxmox save whose placeholder was never filled). A bad name was read as a
 * type that never matched.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

const said = (options: string) =>
  parseIptablesSave(
    `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m addrtype ${options} -j RETURN\nCOMMIT\n`,
  ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`);

describe("-m addrtype's type names", () => {
  it.each([
    ["--dst-type ADDRTYPE", "ADDRTYPE", 33],
    ["--src-type LOCAL,LOACL", "LOACL", 39],
    ["! --dst-type localhost", "localhost", 35],
  ])("refuses %s at the value", (options, bad, column) => {
    expect(said(options)).toEqual([
      `error 3:${column} iptables refuses the address type '${bad}' (addrtype: bad type "${bad}")`,
    ]);
  });

  it.each([
    "--dst-type local",
    "--dst-type UNICAST,LOCAL",
    "--src-type BLACKHOLE",
    "--dst-type XRESOLVE --limit-iface-in",
  ])("takes %s", (options) => {
    expect(said(options).filter((d) => d.startsWith("error"))).toEqual([]);
  });
});
