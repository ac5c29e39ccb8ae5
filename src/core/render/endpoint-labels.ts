/**
 * Names a packet's entry and exit from the lab (`c2 172.17.0.3 via veth-c2`, `經由` in zh-TW):
 * the lab host owning the address, the address, and the interface the
 * Docker host saw the packet on.
 */
import type { Packet, TraceEvent } from "../model/packet.ts";
import type { Lab } from "../trace-file/schema.ts";
import { inInterface, outInterface, shortAddress } from "./format-endpoints.ts";
import { type MapLang, mapWords } from "./map-words.ts";
import type { EndpointLabels } from "./plan-path.ts";

function owner(lab: Lab, address: string): string | undefined {
  for (const host of lab.hosts) {
    for (const itf of host.interfaces) {
      if (itf.addresses.some((a) => shortAddress(a.split("/")[0] as string) === address)) return host.name;
    }
  }
  return undefined;
}

function name(
  lab: Lab,
  written: string | undefined,
  dev: string | undefined,
  lang: MapLang,
): string | undefined {
  if (!written) return undefined;
  const address = shortAddress(written);
  const who = [owner(lab, address), address].filter(Boolean).join(" ");
  return dev ? mapWords(lang).via(who, dev) : who;
}

/**
 * Entry and exit names for `packet` from `lab`, in `lang` (default `en`); undefined parts fall back
 * to the diagram's defaults.
 */
export function endpointLabels(packet: Packet, lab: Lab, lang: MapLang = "en"): EndpointLabels {
  const first = packet.events[0] as TraceEvent | undefined;
  const last = packet.events[packet.events.length - 1] as TraceEvent | undefined;
  const labels: EndpointLabels = {};
  const entry = first && name(lab, first.ip?.src, inInterface(first), lang);
  const exit = last && name(lab, last.ip?.dst, outInterface(last), lang);
  if (entry) labels.entry = entry;
  if (exit) labels.exit = exit;
  return labels;
}
