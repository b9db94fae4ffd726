// Screenshots of the dashboard for design review, through Chromium (puppeteer-core).
// Usage: node scripts/screenshots.mjs <base URL> <user> <password> [out dir]
// e.g. with `npm run dev` against a server: node scripts/screenshots.mjs http://localhost:5173 alice alice-pass
import { mkdirSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const [base = 'http://localhost:5173', user = 'alice', password = 'alice-pass', out = 'screenshots'] = process.argv.slice(2);
const pages = (process.env.PAGES ?? '/,/tv,/library,/logs,/settings').split(',');
const widths = (process.env.WIDTHS ?? '1280,390').split(',').map(Number);
const schemes = (process.env.SCHEMES ?? 'light,dark').split(',');
mkdirSync(out, { recursive: true });

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new'],
});
const problems = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (['error', 'warn', 'warning'].includes(m.type())) problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${base}/login`, { waitUntil: 'networkidle0' });
  await page.screenshot({ path: `${out}/login.png` });
  await page.type('input[name=username]', user);
  await page.type('input[name=password]', password);
  await Promise.all([page.waitForFunction(() => location.pathname !== '/login'), page.click('button[type=submit]')]);
  for (const scheme of schemes) {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    for (const width of widths) {
      await page.setViewport({ width, height: width < 600 ? 844 : 900 });
      for (const path of pages) {
        await page.goto(base + path, { waitUntil: 'load' });
        await page.waitForNetworkIdle({ idleTime: 500, timeout: 5000 }).catch(() => {}); // artwork may hang
        await new Promise((r) => setTimeout(r, 300));
        const name = `${path === '/' ? 'immersion' : path.slice(1)}-${width}-${scheme}`;
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) problems.push(`${name}: horizontal overflow of ${overflow}px`);
        await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
      }
    }
  }
} finally {
  await browser.close();
}
console.log(problems.length ? problems.join('\n') : 'no console errors or warnings, no horizontal overflow');
