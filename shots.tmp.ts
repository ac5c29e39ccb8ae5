import { mkdirSync } from "node:fs";
import { launchChromium } from "./src/browser/find-chromium.ts";
import { serveDist } from "./test/e2e/serve-dist.ts";
const out = "/tmp/render-shots";
mkdirSync(out, { recursive: true });
const server = await serveDist();
const { browser } = await launchChromium();
for (const width of [1280, 390]) {
  for (const scheme of ["light", "dark"] as const) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/lessons/container-to-wan/`, { waitUntil: "networkidle" });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const fig = page.locator("figure.pw-trace").first();
    await fig.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/container-to-wan-${width}-${scheme}.png`, fullPage: false });
    await fig.screenshot({ path: `${out}/container-to-wan-${width}-${scheme}-figure.png` });
    await ctx.close();
  }
}
await browser.close();
await server.close();
console.log("ok");
