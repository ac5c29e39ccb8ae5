/**
 * A strict XML well-formedness check (sax in strict mode) that also counts root
 * elements: "Extra content at the end of the document" is what a browser says
 * about a second root, and sax alone does not always.
 */
import sax from "sax";

/** What the check found in a well-formed document. */
export interface XmlSummary {
  /** Names of the top-level elements (a document has exactly one). */
  roots: string[];
  /** Attributes of the first root element. */
  rootAttributes: Record<string, string>;
  /** `<svg>` elements below the root. */
  nestedSvgs: number;
}

/** Parses `xml` strictly; throws `line:column: message` on the first error or a second root. */
export function checkXml(xml: string): XmlSummary {
  const parser = sax.parser(true, { xmlns: false });
  const summary: XmlSummary = { roots: [], rootAttributes: {}, nestedSvgs: 0 };
  let depth = 0;
  let error: Error | undefined;
  parser.onerror = (e) => {
    error ??= new Error(`${parser.line + 1}:${parser.column + 1}: ${e.message.split("\n")[0]}`);
    parser.resume();
  };
  parser.onopentag = (tag) => {
    if (depth === 0) {
      summary.roots.push(tag.name);
      if (summary.roots.length === 1) {
        summary.rootAttributes = Object.fromEntries(
          Object.entries(tag.attributes).map(([k, v]) => [k, String(v)]),
        );
      } else {
        error ??= new Error(`${parser.line + 1}:${parser.column + 1}: a second root element <${tag.name}>`);
      }
    } else if (tag.name === "svg") {
      summary.nestedSvgs++;
    }
    depth++;
  };
  parser.onclosetag = () => {
    depth--;
  };
  parser.write(xml).close();
  if (error) throw error;
  if (summary.roots.length === 0) throw new Error("no root element");
  return summary;
}
