/**
 * The endpoints a lab's map shows: every other lab host the traced host
 * (the Docker host) reaches, behind a bridge port or a routed interface.
 * They are the same for every trace of the lab, so every map of the lab is
 * the same picture.
 */
import type { Lab } from "../trace-file/schema.ts";
import { toMermaidId } from "./escape-mermaid-label.ts";
import { type MapLang, mapWords } from "./map-words.ts";
import { genericEndpoints, type MapEndpoint } from "./netfilter-map.ts";

const usable = (address: string) => !address.startsWith("127.");

/** The lab's endpoints, bridge ports first, in the order of `lab.json`; the generic ones when none is found. */
export function labEndpoints(lab: Lab | undefined, lang: MapLang = "en"): readonly MapEndpoint[] {
  const traced = lab?.hosts.find((h) => h.role === "docker-host");
  if (!lab || !traced) return genericEndpoints(lang);
  const found: MapEndpoint[] = [];
  for (const itf of traced.interfaces) {
    const [peerName] = (itf.peer ?? "").split("/");
    const peer = lab.hosts.find((h) => h.name === peerName);
    if (!peer || peer === traced) continue;
    const addresses = peer.interfaces
      .flatMap((i) => i.addresses.map((a) => a.split("/")[0] as string))
      .filter(usable);
    const bridged = itf.bridge !== undefined;
    found.push({
      id: toMermaidId(peer.name),
      label: bridged
        ? [peer.name, addresses[0]].filter(Boolean).join(" ")
        : mapWords(lang).via(peer.name, itf.name),
      layer: bridged ? "bridge" : "ip",
      interfaces: [itf.name],
      addresses,
    });
  }
  if (found.length === 0) return genericEndpoints(lang);
  return [...found.filter((e) => e.layer === "bridge"), ...found.filter((e) => e.layer === "ip")];
}
