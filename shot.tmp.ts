import { launchChromium } from "./src/browser/find-chromium.ts";
import { serveDist } from "./test/e2e/serve-dist.ts";
const [, , out, ...paths] = process.argv;
const server = await serveDist();
const { browser } = await launchChromium();
try {
  for (const p of paths) {
    for (const [w, scheme] of [[390, "dark"], [1280, "light"]] as const) {
      const ctx = await browser.newContext({ viewport: { width: w, height: 900 }, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(server.url + server.base + p.replace(/^\//, ""), { waitUntil: "networkidle" });
      const name = `${out}/${p.replace(/[^a-z0-9]+/gi, "_")}-${w}-${scheme}.png`;
      const h = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.screenshot({ path: name, fullPage: true, clip: { x: 0, y: Number(process.env.Y ?? 0), width: w, height: Math.min(h - Number(process.env.Y ?? 0), Number(process.env.MAXH ?? 4000)) } });
      console.log(name, h);
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
