/** Messages between the playground page and its parse worker. */
import type { HookId } from "../core/model/hook.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import type { PacketDetail, ParseProgress, ParseSummary } from "./parse-session.ts";

/** Page to worker. */
export type ToWorker =
  | {
      type: "parse";
      /** Answers carry it back, so a late answer to an older request is recognised. */
      request: number;
      input: Blob;
      file: string;
      prefixMap: Record<string, HookId>;
    }
  | { type: "ruleset"; request: number; text: string }
  | { type: "packet"; request: number; id: number };

/** Worker to page. */
export type FromWorker =
  | ({ type: "progress"; request: number } & ParseProgress)
  | { type: "parsed"; request: number; summary: ParseSummary; ms: number }
  | {
      type: "ruleset";
      request: number;
      diagnostics: Diagnostic[];
      /** The ruleset's logging rules map prefixes otherwise than the last parse knew: parse again. */
      reparse: boolean;
    }
  | { type: "packet"; request: number; detail: PacketDetail | undefined }
  | { type: "failed"; request: number; message: string };
