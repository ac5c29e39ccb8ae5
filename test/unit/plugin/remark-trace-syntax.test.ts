/**
 * Only `::trace` is a directive: ports, MAC endings, IPv6 `::1` and any other
 * `:name` in prose and tables come out exactly as written, and a paragraph
 * that starts like a trace directive but is not one is a positioned error.
 */
import type { Root } from "mdast";
import { toString as mdastToString } from "mdast-util-to-string";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { VFile } from "vfile";
import { afterEach, describe, expect, it } from "vitest";
import { takeProblems } from "../../../src/plugin/build-problems.ts";
import remarkTraceSyntax, { explainMalformedTrace } from "../../../src/plugin/remark-trace-syntax.ts";

async function run(markdown: string): Promise<Root> {
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkTraceSyntax);
  const file = new VFile({ value: markdown });
  return (await processor.run(processor.parse(file), file)) as Root;
}

afterEach(() => takeProblems());

describe("remarkTraceSyntax", () => {
  it("keeps ports, MAC endings and IPv6 addresses in prose as written", async () => {
    const prose =
      "The WAN peer opens 203.0.113.2:8080, docker0 is 02:42:5e:1a:b0:01 and the host answers on ::1 and :80.";
    const tree = await run(`${prose}\n`);
    expect(tree.children).toHaveLength(1);
    expect(mdastToString(tree)).toBe(prose);
    expect(takeProblems()).toEqual([]);
  });

  it("keeps them in table cells too", async () => {
    const tree = await run("| from | to |\n| --- | --- |\n| 172.17.0.2:40000 | 203.0.113.2:8080 |\n");
    expect(mdastToString(tree)).toContain("172.17.0.2:40000");
    expect(mdastToString(tree)).toContain("203.0.113.2:8080");
    expect(takeProblems()).toEqual([]);
  });

  it("gives a line that is only '::1' or ':::note' back as text", async () => {
    const tree = await run("::1\n\n:::note\nsome words\n:::\n");
    expect(tree.children.map((c) => c.type)).toEqual(["paragraph", "paragraph"]);
    expect(mdastToString(tree.children[0])).toBe("::1");
    expect(mdastToString(tree.children[1])).toBe(":::note\nsome words\n:::");
    expect(takeProblems()).toEqual([]);
  });

  it("leaves a well-formed ::trace as a leaf directive for remark-trace", async () => {
    const tree = await run('Intro.\n\n::trace{src="docker-bridge/container-to-wan" view="path"}\n');
    const node = tree.children[1];
    expect(node?.type).toBe("leafDirective");
    expect(node?.type === "leafDirective" && node.attributes).toEqual({
      src: "docker-bridge/container-to-wan",
      view: "path",
    });
    expect(takeProblems()).toEqual([]);
  });

  it.each([
    ['::trace{src="a/b" caption="x', "not closed by '}'"],
    ['::trace{src="a/b" caption="say \\"hi\\""}', "backslash-escaped quote"],
    ['::trace {src="a/b"}', "space between '::trace' and '{'"],
    [':: trace{src="a/b"}', "space between '::' and 'trace'"],
    [':::trace{src="a/b"', "three colons"],
    ['::trace{src="a/b"} and more words', "not alone on its line"],
    [':trace{src="a/b"}', ":trace is not a directive (one colon)"],
    ['::trace[the caption]{src="a/b"}', "::trace takes no [label]"],
  ])("fails on a malformed directive: %s", async (line, message) => {
    const tree = await run(`Some prose.\n\n${line}\n`);
    const problems = takeProblems();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.position).toMatchObject({ line: 3, column: 1 });
    expect(problems[0]?.hint).toBeTruthy();
    // Never the raw text: a caption holding HTML must not reach the page.
    expect(tree.children[1]?.type).toBe("html");
    expect(JSON.stringify(tree.children[1])).toContain("pw-error");
  });

  it("fails on ::trace{...} inside a paragraph, which would be published as text, at the paragraph", async () => {
    const tree = await run(
      'Some prose.\n\nIntro. See ::trace{src="docker-bridge/container-to-wan"} inline.\n',
    );
    const problems = takeProblems();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe(
      "::trace{...} inside a paragraph: it would be published as text, not drawn",
    );
    expect(problems[0]?.position).toMatchObject({ line: 3, column: 1 });
    expect(problems[0]?.hint).toContain("alone on its own line");
    expect(tree.children[1]?.type).toBe("html");
  });

  it("keeps ::trace{...} in a code span or escaped as the text it shows", async () => {
    const prose = 'Write `::trace{src="lab/scenario"}` alone on a line, or \\::trace{src="x"} for the text.';
    await run(`${prose}\n`);
    expect(takeProblems()).toEqual([]);
  });

  it("keeps a paragraph starting ':trace' without a brace as prose", async () => {
    const tree = await run(":trace is what the directive is not called.\n");
    expect(mdastToString(tree)).toBe(":trace is what the directive is not called.");
    expect(takeProblems()).toEqual([]);
  });

  it("escapes HTML of a malformed caption instead of passing it through", async () => {
    const tree = await run('::trace{src="a/b" caption="<img src=x onerror=alert(1)>\n');
    takeProblems();
    const html = tree.children[0]?.type === "html" ? tree.children[0].value : "";
    expect(html).not.toContain("<img");
  });

  it("fails on a near miss of the directive name, with a hint", async () => {
    await run('::trcae{src="docker-bridge/container-to-wan"}\n');
    const problems = takeProblems();
    expect(problems[0]?.message).toBe("unknown directive '::trcae'");
    expect(problems[0]?.hint).toContain("::trace");
  });
});

describe("explainMalformedTrace", () => {
  it("names the missing brace", () => {
    expect(explainMalformedTrace('::trace{src="a/b"').message).toContain("'}'");
  });
});
