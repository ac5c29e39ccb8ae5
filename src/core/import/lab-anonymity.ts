/**
 * Whether a lab on disk is anonymised, and what an import into it must then do. An anonymised lab
 * holds stand-ins (`02:00:00:00:00:01`, TEST-NET addresses, `docker-host`); an import of more
 * material into it without `--anonymize` would write that material's real MACs, addresses and host
 * names next to them, and one with `--anonymize` but without the map of the lab's earlier imports
 * would give the same real values other stand-ins (the host's MAC one in lab.json, another in the
 * new logs). Both are refused before anything is written: the map (`--anonymize-map FILE`, kept
 * outside the repository) is what makes the stand-ins the same.
 */

import type { Lab } from "../trace-file/schema.ts";
import type { AnonymizationMap } from "./anonymize.ts";

/** The form of a MAC stand-in `--anonymize` gives (`02:00:00:00:00:01`). */
const STAND_IN_MAC = /^02:00:00:00:[0-9a-f]{2}:[0-9a-f]{2}$/;

/** Every MAC of the lab's hosts but the loopback's, with where it is (`host/iface`). */
function labMacs(lab: Lab): { mac: string; at: string }[] {
  return lab.hosts.flatMap((h) =>
    h.interfaces.flatMap((i) =>
      i.mac && i.mac !== "00:00:00:00:00:00" ? [{ mac: i.mac, at: `${h.name}/${i.name}` }] : [],
    ),
  );
}

/**
 * Whether `lab` is anonymised, and how that is known: its `anonymized` field, or (a lab imported
 * before the field was written) every MAC of its hosts being a stand-in `--anonymize` gives.
 */
export function labAnonymity(lab: Lab): { anonymized: boolean; because: string } {
  if (lab.anonymized !== undefined)
    return { anonymized: lab.anonymized, because: `its lab.json has "anonymized": ${lab.anonymized}` };
  const macs = labMacs(lab);
  const standIns = macs.length > 0 && macs.every((m) => STAND_IN_MAC.test(m.mac));
  return {
    anonymized: standIns,
    because: standIns
      ? `every MAC of its lab.json is a stand-in --anonymize gives (02:00:00:00:xx:xx); if it is not anonymised, write "anonymized": false in its lab.json`
      : "its lab.json's MACs are not stand-ins",
  };
}

/** What an import into the lab on disk `lab` (undefined: a new lab) must be asked first (empty: nothing). */
export function anonymityQuestions(
  folder: string,
  lab: Lab | undefined,
  options: { anonymize: boolean; map?: AnonymizationMap },
): string[] {
  if (!lab) return [];
  const { anonymized, because } = labAnonymity(lab);
  const withMap =
    "add --anonymize --anonymize-map FILE, FILE being the map the lab's earlier import wrote (kept outside the repository): the same real values then get the same stand-ins";
  const noMap =
    "no map kept? Import all of the lab's material again with --anonymize --anonymize-map FILE into a new --lab";
  if (anonymized && !options.anonymize)
    return [
      `${folder} is anonymised (${because}), and this import is not: it would write this material's real addresses, MACs and host names next to the lab's stand-ins; ${withMap} (${noMap})`,
    ];
  if (anonymized && !options.map)
    return [
      `${folder} is anonymised (${because}): without the map of its earlier imports this import's stand-ins would not be the lab's (the host's MAC one stand-in in lab.json, another in the new logs); ${withMap.replace("add --anonymize ", "add ")} (${noMap})`,
    ];
  if (anonymized && options.map) {
    const known = new Set(Object.values(options.map.macs));
    const stranger = labMacs(lab).find((m) => !known.has(m.mac));
    if (stranger)
      return [
        `${folder}: the --anonymize-map given is not the map of this lab's imports: ${stranger.mac}, the MAC of ${stranger.at} in its lab.json, is no stand-in of it; give the map the lab's earlier import wrote (${noMap})`,
      ];
  }
  if (!anonymized && options.anonymize)
    return [
      `${folder} is not anonymised (${because}): --anonymize would give this material's MACs and public addresses stand-ins where the lab's files keep the real ones (the host's MAC real in lab.json, a stand-in in the new logs); leave --anonymize out, or import all of the lab's material again with --anonymize into a new --lab`,
    ];
  return [];
}
