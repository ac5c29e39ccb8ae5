/**
 * A row of a CSV export, as Graylog's search export writes it (RFC 4180: every field quoted, a
 * quote inside doubled, commas inside a quoted field kept; a field without quotes read too): its header row (`"timestamp","source",
 * "message"`, the columns the search showed) and its records. Read one row at a time, without the
 * header: the message is the longest field, the time the first ISO 8601 field, the host the first
 * other field shaped as a host name (Graylog's `source`).
 */
import type { PositionMap } from "./strip-escapes.ts";

/** What a quoted CSV row holds. */
export type CsvRow =
  | { header: true }
  | {
      header: false;
      /** The message, with where its characters stand in the line. */
      text: string;
      map: PositionMap;
      time?: number;
      host?: { name: string; at: number };
    };

interface Field {
  text: string;
  map: PositionMap;
  /** Index in the line of the field's first character (after its quote). */
  at: number;
}

const HOST_NAME = /^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/;

/** The fields of `line` when it is a CSV row, else undefined. */
function splitRow(line: string): Field[] | undefined {
  const fields: Field[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) !== 34) {
      // A field without quotes: up to the next comma, no quote inside.
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      const text = line.slice(i, end);
      if (text.includes('"')) return undefined;
      fields.push({ text, map: [0, i, text.length, end], at: i });
      if (comma < 0) return fields;
      i = comma + 1;
      continue;
    }
    const at = i + 1;
    let text = "";
    const map: PositionMap = [];
    let j = at;
    for (;;) {
      const q = line.indexOf('"', j);
      if (q < 0) return undefined;
      map.push(text.length, j);
      text += line.slice(j, q);
      // `""` is one quote of the text.
      if (line.charCodeAt(q + 1) === 34) {
        map.push(text.length, q + 1);
        text += '"';
        j = q + 2;
        continue;
      }
      map.push(text.length, q);
      i = q + 1;
      break;
    }
    fields.push({ text, map, at });
    if (i === line.length) return fields;
    if (line.charCodeAt(i) !== 44) return undefined;
    i++;
  }
}

/** Reads `line` as a CSV export's row (quoted, or first an ISO time), or undefined when it is none. */
export function readCsvRow(line: string): CsvRow | undefined {
  const fields = splitRow(line);
  if (!fields || fields.length < 2) return undefined;
  if (fields.every((f) => /^[A-Za-z_@][\w.@-]*$/.test(f.text)) && fields.some((f) => f.text === "message"))
    return { header: true };
  const timeField = fields.find((f) => ISO.test(f.text));
  if (!timeField) return undefined;
  let message = fields[0] as Field;
  for (const f of fields) if (f !== timeField && f.text.length > message.text.length) message = f;
  const row: CsvRow = { header: false, text: message.text, map: message.map };
  const iso = timeField.text.replace(" ", "T");
  const ms = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  if (!Number.isNaN(ms)) row.time = ms / 1000;
  const host = fields.find((f) => f !== timeField && f !== message && HOST_NAME.test(f.text));
  if (host) row.host = { name: host.text, at: host.at };
  return row;
}
