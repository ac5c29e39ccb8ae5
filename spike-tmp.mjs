import { chromium } from "playwright-core";
import fs from "node:fs";
const src = fs.readFileSync(process.argv[2], "utf8");
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless","--no-sandbox","--disable-gpu"] });
const p = await b.newPage({ viewport: { width: 800, height: 1200 } });
await p.setContent("<!doctype html><html><body style='margin:0;width:720px'><div id=o></div></body></html>");
await p.addScriptTag({ path: "/work/main/node_modules/mermaid/dist/mermaid.min.js" });
const r = await p.evaluate(async (src) => {
  mermaid.initialize({ startOnLoad:false, securityLevel:"strict", theme:"default", handDrawnSeed: 1, deterministicIds: true, flowchart: { htmlLabels: true }, fontFamily: "Noto Sans, sans-serif" });
  try { const { svg } = await mermaid.render("pw1", src); document.getElementById("o").innerHTML = svg; const e = document.querySelector("svg"); const bb = e.viewBox.baseVal; return `${bb.width}x${bb.height}`; } catch (e) { return "ERR " + e.message; }
}, src);
console.log(r);
await p.screenshot({ path: "/tmp/spike/shot.png", fullPage: true });
await b.close();
