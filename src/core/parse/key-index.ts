/**
 * Finds the open packets that showed the same addresses as an event
 * (protocol, source, destination; for ARP: opcode and addresses), without
 * building a key string per event: the destination, a short slice of the
 * line, is the map key and the rest is compared field by field.
 */
import type { TraceEvent } from "../model/packet.ts";

/** The items (in the order they got the key) that share one key. */
export interface KeyList<T> {
  readonly items: T[];
  readonly proto: string;
  readonly src: string;
  readonly dst: string;
  /** The key as one string, for the rare keys kept by string (ARP, fields with spaces). */
  readonly text: string | undefined;
}

function hasSpace(s: string): boolean {
  return s.indexOf(" ") >= 0;
}

/**
 * Items by the key `<l4 proto> <src> <dst>` (IP) or `arp <opcode> <ipSrc> <ipDst>`:
 * two events share a list exactly when those strings are equal.
 */
export class KeyIndex<T> {
  private byDst = new Map<string, KeyList<T>[]>();
  private byText = new Map<string, KeyList<T>>();

  /** Number of keys held. */
  get size(): number {
    let n = this.byText.size;
    for (const lists of this.byDst.values()) n += lists.length;
    return n;
  }

  /** The list of `ev`'s key; with `create`, an empty one is added when there is none. Undefined for events without a key. */
  find(ev: TraceEvent, create: boolean): KeyList<T> | undefined {
    const ip = ev.ip;
    if (ip) {
      const proto = ev.l4?.proto ?? "";
      // Without spaces in the fields the joined string has exactly two: field equality is string equality.
      // LOG and TRACE fields end at a space, so only the other formats need the check.
      if (
        ev.source !== "log" &&
        ev.source !== "trace" &&
        (hasSpace(ip.dst) || hasSpace(ip.src) || hasSpace(proto))
      )
        return this.findText(`${proto} ${ip.src} ${ip.dst}`, create);
      const lists = this.byDst.get(ip.dst);
      if (lists) {
        for (let i = 0; i < lists.length; i++) {
          const l = lists[i] as KeyList<T>;
          if (l.src === ip.src && l.proto === proto) return l;
        }
      }
      if (!create) return undefined;
      const l: KeyList<T> = { items: [], proto, src: ip.src, dst: ip.dst, text: undefined };
      if (lists) lists.push(l);
      else this.byDst.set(ip.dst, [l]);
      return l;
    }
    const arp = ev.arp;
    if (arp) return this.findText(`arp ${arp.opcode} ${arp.ipSrc} ${arp.ipDst}`, create);
    return undefined;
  }

  private findText(text: string, create: boolean): KeyList<T> | undefined {
    let l = this.byText.get(text);
    if (!l && create) {
      l = { items: [], proto: "", src: "", dst: "", text };
      this.byText.set(text, l);
    }
    return l;
  }

  /** One line per key: its fields and its items in order (`name` names an item), for state signatures. */
  describe(name: (item: T) => string): string[] {
    const line = (l: KeyList<T>) =>
      `key ${l.text ?? `${l.proto} ${l.src} ${l.dst}`}: ${l.items.map(name).join(",")}`;
    const out = [...this.byText.values()].map(line);
    for (const lists of this.byDst.values()) for (const l of lists) out.push(line(l));
    return out;
  }

  /** Takes `item` out of `list`; a list left empty is dropped. */
  remove(list: KeyList<T>, item: T): void {
    const j = list.items.indexOf(item);
    if (j >= 0) list.items.splice(j, 1);
    if (list.items.length) return;
    if (list.text !== undefined) {
      if (this.byText.get(list.text) === list) this.byText.delete(list.text);
      return;
    }
    const lists = this.byDst.get(list.dst);
    if (!lists) return;
    const k = lists.indexOf(list);
    if (k >= 0) lists.splice(k, 1);
    if (!lists.length) this.byDst.delete(list.dst);
  }
}
