// The dashboard in Debian's headless Chromium (puppeteer-core, no downloaded browser),
// against a running server with seeded data: run by tests/e2e/dashboard_e2e_test.cpp, which
// starts the server and the fake providers and passes:
//   IT_BASE_URL, IT_USERNAME, IT_PASSWORD (an admin), IT_CHROMIUM, IT_SCREENSHOTS (a directory).
// Exits non-zero, saying why, on the first check that fails; any console error, failed page
// script or request to a host other than the server and the providers' artwork hosts fails too.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

// axe-core checks each page for accessibility problems; run through DevTools, so the page's
// Content-Security-Policy (scripts from the server only) does not stand in its way.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const base = process.env.IT_BASE_URL;
const username = process.env.IT_USERNAME;
const password = process.env.IT_PASSWORD;
const shots = process.env.IT_SCREENSHOTS;
const executablePath = process.env.IT_CHROMIUM ?? '/usr/bin/chromium';
assert.ok(base && username && password && shots, 'IT_BASE_URL, IT_USERNAME, IT_PASSWORD and IT_SCREENSHOTS are required');

// The whole run is bounded, so a hung browser fails the test instead of holding up CI.
const deadline = setTimeout(() => {
  console.error('the browser test took longer than 240 s');
  process.exit(1);
}, 240_000);

const basic = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
async function api(path, init = {}) {
  const response = await fetch(base + path, { ...init, headers: { Authorization: basic, ...init.headers } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

// The providers' artwork hosts: pictures from them are allowed, and answered here with a
// generated poster (the test machine has no internet).
const artworkHosts = new Set(['artworks.thetvdb.com', 'image.tmdb.org', 'yt3.ggpht.com', 'i.scdn.co', 'i.ytimg.com']);
function poster(url) {
  let hash = 0;
  for (const c of url) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="450" viewBox="0 0 300 450">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 55% 55%)"/>
<stop offset="1" stop-color="hsl(${(hue + 50) % 360} 60% 30%)"/></linearGradient></defs>
<rect width="300" height="450" fill="url(#g)"/><circle cx="150" cy="190" r="70" fill="rgba(255,255,255,.18)"/></svg>`;
}

const problems = [];
// Chromium logs every failed request (a refused connection, a 401) as a console error; where
// a step causes them on purpose they are not the app's.
function forgiveFailedLoads() {
  for (let i = problems.length - 1; i >= 0; i--) {
    if (/Failed to load resource/.test(problems[i])) problems.splice(i, 1);
  }
}
let serverReachable = true;
// Answers to give instead of the server's, once each: {method, path, status, body}.
const fakeAnswers = [];
const step = (what) => console.log(`- ${what}`);

async function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()} on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === base) {
      const fake = fakeAnswers.findIndex((f) => f.method === request.method() && f.path === url.pathname);
      if (fake >= 0) {
        const [f] = fakeAnswers.splice(fake, 1);
        return request.respond({ status: f.status, contentType: 'application/json', body: JSON.stringify(f.body) });
      }
      // "The server is down": every API call fails as a refused connection would.
      if (!serverReachable && !url.pathname.startsWith('/assets/') && request.resourceType() !== 'document') {
        return request.abort('connectionrefused');
      }
      return request.continue();
    }
    if (url.protocol === 'https:' && artworkHosts.has(url.hostname)) {
      return request.respond({ status: 200, contentType: 'image/svg+xml', body: poster(url.href) });
    }
    if (url.protocol === 'data:') return request.continue();
    problems.push(`request to another host: ${request.url()}`);
    return request.abort();
  });
}

// Fails on any violation of serious or critical impact that axe-core finds on the page.
async function checkAccessibility(page, name) {
  const violations = await page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return {
      rules: results.passes.length + results.violations.length + results.incomplete.length,
      serious: results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`),
    };
  }, axeSource);
  assert.ok(violations.rules > 10, `axe-core ran on ${name}`);
  assert.deepEqual(violations.serious, [], `accessibility of ${name}`);
  console.log(`  axe-core on ${name}: ${violations.rules} rules, no serious or critical violation`);
}

async function screenshot(page, name) {
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    // Only the width changes (a change of isMobile would reload the page and lose its state).
    await page.setViewport({ width, height });
    await page.waitForFunction(() => !document.querySelector('.skeleton'));
    // Pictures (lazy ones too) are in before the picture is taken; a second at most.
    await page.evaluate(async () => {
      for (const img of document.images) img.loading = 'eager';
      const loads = [...document.images].map((i) => (i.complete ? null : new Promise((r) => i.addEventListener('load', r) || i.addEventListener('error', r))));
      await Promise.race([Promise.all(loads), new Promise((r) => setTimeout(r, 1000))]);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow} px at ${width} px`);
    // The whole page in one viewport (a full-page capture beyond the viewport leaves the
    // phone layout's fixed bottom bar over a blank strip).
    const tall = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewport({ width, height: Math.max(height, tall) });
    await page.screenshot({ path: join(shots, `${name}-${width}.png`) });
    await checkAccessibility(page, `${name} at ${width} px`);
  }
  await page.setViewport({ width: 1280, height: 900 });
}

// A figure on the page: its raw value (data-value), and the text shown must contain it as
// written with thousands separators or without.
async function stat(page, name) {
  const [value, text] = await page.$eval(`[data-stat="${name}"]`, (e) => [e.dataset.value, e.textContent]);
  assert.ok(value !== undefined, `[data-stat="${name}"] has a data-value`);
  assert.ok(text.replace(/[,\s\u202f]/g, '').includes(value), `${name} shows ${value}: "${text}"`);
  return Number(value);
}
// Replaces a field's text the way a user does, so the page sees each input event.
async function retype(page, selector, text) {
  await page.click(selector, { clickCount: 3 });
  await page.keyboard.press('Backspace');
  await page.type(selector, text);
}
// Puppeteer's ARIA selector: the element whose accessible name is `name`.
const named = (page, name) => page.locator(`::-p-aria(${name})`);
const apiResponse = (page, method, path) =>
  page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === path);

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await watch(page);
  await page.setViewport({ width: 1280, height: 900 });

  step('a visitor is sent to the sign-in form');
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('input[autocomplete="username"]');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.ok(await page.$('input[type="password"][autocomplete="current-password"]'));
  assert.ok(await page.$('form button[type="submit"], form button:not([type])'));
  await screenshot(page, 'login');

  step('a wrong password is refused in words');
  await page.type('input[autocomplete="username"]', username);
  await page.type('input[autocomplete="current-password"]', 'not the password');
  let signIn = apiResponse(page, 'POST', '/api/session');
  await page.click('form [type="submit"]');
  assert.equal((await signIn).status(), 401);
  await page.waitForFunction(() => /wrong|incorrect|invalid/i.test(document.body.innerText));
  forgiveFailedLoads();

  step('signing in shows the numbers /progress answers');
  const loaded = [];
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (/\.(js|css)$/.test(path)) loaded.push({ path, bytes: Number(r.headers()['content-length'] ?? 0), encoding: r.headers()['content-encoding'] });
  });
  await page.$eval('input[autocomplete="current-password"]', (e) => (e.value = ''));
  await page.type('input[autocomplete="current-password"]', password);
  signIn = apiResponse(page, 'POST', '/api/session');
  await page.click('form [type="submit"]');
  assert.equal((await signIn).status(), 204);
  await page.waitForSelector('[data-stat="total-hours"]');
  await page.waitForNetworkIdle();
  const progress = (await api('/progress')).body;
  const week = (await api('/api/activity')).body;
  const today = week.days[week.days.length - 1];
  // Synced and logged (nothing is logged yet: the synced hours).
  assert.equal(
    await stat(page, 'total-hours'),
    Math.max(progress.total_hours_watched, Math.floor(progress.total_minutes_immersed / 60)),
    'total hours',
  );
  assert.equal(progress.minutes_today, today.total_minutes, "/progress and /api/activity agree on today's minutes");
  assert.equal(await stat(page, 'today-minutes'), today.total_minutes, "today's minutes");
  assert.equal(await stat(page, 'today-episodes'), progress.episodes_watched_today, "today's episodes");
  assert.equal(await stat(page, 'today-movies'), progress.movies_watched_today, "today's movies");
  assert.equal(await stat(page, 'today-videos'), progress.youtube_videos_watched_today, "today's videos");
  assert.equal(await stat(page, 'today-podcasts'), progress.spotify_episodes_watched_today, "today's podcast episodes");
  for (const show of progress.shows.filter((s) => s.name)) {
    assert.ok((await page.content()).includes(show.name), `top show ${show.name} is listed`);
  }

  step('the first load is small');
  loaded.length = 0;
  await page.setCacheEnabled(false);
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-stat="total-hours"]');
  const firstLoad = loaded.filter((f) => f.path.startsWith('/assets/'));
  const kilobytes = firstLoad.reduce((sum, f) => sum + f.bytes, 0) / 1024;
  console.log(`  first load: ${firstLoad.length} JS and CSS files, ${kilobytes.toFixed(1)} KB compressed (${firstLoad.map((f) => f.encoding).join(', ')})`);
  assert.ok(firstLoad.length > 0 && kilobytes <= 150, `first load of ${kilobytes} KB`);
  assert.ok(firstLoad.every((f) => f.encoding === 'br' || f.encoding === 'gzip'), 'JS and CSS are sent compressed');
  await page.setCacheEnabled(true);

  step('changing the range asks for that many days');
  for (const days of [30, 365, 7]) {
    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/activity' && r.status() === 200);
    await named(page, `${days} days`).click();
    const body = await (await asked).json();
    assert.equal(body.days.length, days, `the ${days}-day range`);
    assert.equal(body.to, week.to, 'ranges end today');
  }
  await screenshot(page, 'immersion');
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  await page.setViewport({ width: 1280, height: 900 });
  await page.waitForFunction(() => !document.querySelector('.skeleton'));
  await page.setViewport({ width: 1280, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  await page.screenshot({ path: join(shots, 'immersion-dark-1280.png') });
  await checkAccessibility(page, 'immersion in dark mode');
  await page.setViewport({ width: 1280, height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);

  step('a log added on the Log page is listed, after an error said in words');
  const beforeLog = (await api('/progress')).body;
  await page.goto(base + '/logs', { waitUntil: 'networkidle0' });
  await page.waitForSelector('#new-log-minutes');
  // The client's own checks come first, in words, on the field.
  await page.type('#new-log-minutes', 'soon');
  await page.click('[data-action="add-log"]');
  await page.waitForFunction(() => /not a duration/.test(document.querySelector('form [role="alert"]').textContent));
  assert.equal(await page.$eval('#new-log-minutes', (e) => e.getAttribute('aria-invalid')), 'true');
  await page.select('#new-log-medium', 'manga');
  await retype(page, '#new-log-minutes', '1h5m');
  await page.waitForFunction(() => document.getElementById('new-log-minutes-hint').textContent.includes('1 h 5 min'));
  await page.type('#new-log-title', 'よつばと! 3');
  await page.type('#new-log-amount', '2');
  assert.equal(await page.$eval('#new-log-unit', (e) => e.value), 'chapters', 'the unit follows the medium');
  await page.select('#new-log-language', 'ja');
  // The server refuses it once (a 400 with its sentence): the form says so and keeps what was typed.
  fakeAnswers.push({ method: 'POST', path: '/api/logs', status: 400, body: { error: 'title must be a string of 1 to 512 bytes of UTF-8' } });
  let posted = apiResponse(page, 'POST', '/api/logs');
  await page.click('[data-action="add-log"]');
  const refused = await posted;
  assert.equal(refused.status(), 400);
  await page.waitForFunction(() => document.querySelector('form [role="alert"]').textContent.includes('title must be a string'));
  assert.equal(await page.$eval('#new-log-title', (e) => e.getAttribute('aria-invalid')), 'true', 'the field the server named');
  forgiveFailedLoads();
  posted = apiResponse(page, 'POST', '/api/logs');
  await page.click('[data-action="add-log"]');
  const created = await posted;
  assert.equal(created.status(), 201);
  const key = created.request().headers()['idempotency-key'];
  assert.ok(key && key === refused.request().headers()['idempotency-key'], 'a retried submission sends the same Idempotency-Key');
  const logged = await created.json();
  assert.deepEqual(
    [logged.medium, logged.minutes, logged.title, logged.amount, logged.unit, logged.language, logged.date],
    ['manga', 65, 'よつばと! 3', 2, 'chapters', 'ja', week.to],
  );
  await page.waitForSelector(`[data-log="${logged.id}"]`);
  assert.match(await page.$eval(`[data-log="${logged.id}"]`, (e) => e.textContent), /よつばと! 3.*1 h 5 min.*2 chapters.*Japanese/);
  assert.equal(await page.$eval('#new-log-minutes', (e) => e.value), '', 'the form is ready for the next log');
  await screenshot(page, 'logs');

  step('undo takes the last log back');
  await page.type('#new-log-minutes', '20');
  posted = apiResponse(page, 'POST', '/api/logs');
  await page.click('[data-action="add-log"]');
  const secondResponse = await posted;
  assert.equal(secondResponse.status(), 201);
  assert.notEqual(secondResponse.request().headers()['idempotency-key'], key, 'a new submission, a new key');
  const second = await secondResponse.json();
  await page.waitForSelector(`[data-log="${second.id}"]`);
  let deleted = apiResponse(page, 'DELETE', `/api/logs/${second.id}`);
  await named(page, 'Undo last log').click();
  assert.equal((await deleted).status(), 204);
  await page.waitForFunction((id) => !document.querySelector(`[data-log="${id}"]`), {}, second.id);
  assert.equal((await api(`/api/logs/${second.id}`)).status, 404);

  step('the log counts today, in the streak, by medium and by language');
  const afterLog = (await api('/progress')).body;
  assert.equal(afterLog.minutes_today, beforeLog.minutes_today + 65);
  assert.ok(afterLog.current_streak_days >= 1, 'a day with immersion makes a streak');
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-stat="today-minutes"]');
  assert.equal(await stat(page, 'today-minutes'), afterLog.minutes_today, "today's minutes with the log");
  assert.equal(await stat(page, 'streak'), afterLog.current_streak_days, 'the streak');
  assert.equal(await stat(page, 'longest-streak'), afterLog.longest_streak_days, 'the longest streak');
  assert.equal(await stat(page, 'total-hours'), Math.floor(afterLog.total_minutes_immersed / 60), 'total hours, synced and logged');
  const share = (section, key) =>
    page.$eval(`[data-section="${section}"] [data-share="${key}"] [data-field="minutes"]`, (e) => Number(e.dataset.value));
  assert.equal(await share('by-medium', 'manga'), afterLog.by_medium.find((m) => m.medium === 'manga').minutes);
  assert.equal(await share('by-language', 'ja'), afterLog.by_language.find((l) => l.language === 'ja').minutes);
  // The chart in one language asks the server for that language's days.
  const inJapanese = page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === '/api/activity' && url.searchParams.get('language') === 'ja';
  });
  await page.select('#activity-language', 'ja');
  const japanese = await (await inJapanese).json();
  const japaneseToday = japanese.days[japanese.days.length - 1];
  assert.equal(japaneseToday.minutes.manga, 65);
  // Synced items count in their provider's language (the fake TVDB, YouTube and Spotify say
  // Japanese); the untagged folder's episodes have none, so they are left out.
  const allToday = (await api('/api/activity')).body.days.at(-1);
  assert.ok((japaneseToday.minutes.tv ?? 0) < allToday.minutes.tv, 'the untagged folder (no language) is left out');
  assert.equal(japaneseToday.total_minutes, Object.values(japaneseToday.minutes).reduce((a, b) => a + b, 0));
  await page.waitForFunction(() => document.querySelector('.chart-readout').textContent.includes('in Japanese'));

  step('a log is edited and deleted');
  await page.goto(base + '/logs', { waitUntil: 'networkidle0' });
  await page.click(`[data-log="${logged.id}"] [data-action="edit-log"]`);
  await page.waitForSelector('dialog[open] #edit-log-minutes');
  await retype(page, '#edit-log-minutes', '70');
  const patched = apiResponse(page, 'PATCH', `/api/logs/${logged.id}`);
  await page.click('[data-action="save-log"]');
  const patchedResponse = await patched;
  assert.equal(patchedResponse.status(), 200);
  assert.deepEqual(JSON.parse(patchedResponse.request().postData()), { minutes: 70 }, 'only what changed is sent');
  await page.waitForFunction((id) => document.querySelector(`[data-log="${id}"]`).textContent.includes('1 h 10 min'), {}, logged.id);
  await page.click(`[data-log="${logged.id}"] [data-action="delete-log"]`);
  await page.waitForSelector('dialog[open]');
  deleted = apiResponse(page, 'DELETE', `/api/logs/${logged.id}`);
  await named(page, 'Delete log').click();
  assert.equal((await deleted).status(), 204);
  await page.waitForFunction((id) => !document.querySelector(`[data-log="${id}"]`), {}, logged.id);
  assert.equal((await api(`/api/logs/${logged.id}`)).status, 404);
  assert.equal((await api('/progress')).body.minutes_today, beforeLog.minutes_today, 'the deleted log no longer counts');

  step('a daily goal set in Settings is shown with today');
  await page.goto(base + '/settings', { waitUntil: 'networkidle0' });
  await page.waitForSelector('#goal-minutes');
  await page.type('#goal-minutes', '30m');
  const goalSaved = apiResponse(page, 'PUT', '/api/me/goal');
  await page.click('[data-action="save-learning"]');
  assert.equal((await goalSaved).status(), 200);
  await page.waitForFunction(() => /Saved: a goal of 30 min a day/.test(document.body.innerText));
  assert.equal((await api('/api/me')).body.daily_goal_minutes, 30);
  const withGoal = (await api('/progress')).body;
  assert.equal(withGoal.goal_daily_minutes, 30);
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-stat="goal"]');
  assert.equal(await stat(page, 'goal'), 30, 'the goal');
  assert.equal(await page.$eval('[data-goal-met]', (e) => e.dataset.goalMet), String(withGoal.goal_met_today));
  assert.equal(await stat(page, 'streak'), withGoal.current_streak_days, 'the streak counts days that reach the goal');

  step('+1 episode is kept after a reload');
  await page.goto(base + '/tv', { waitUntil: 'networkidle0' });
  const field = async (show, name) =>
    Number((await page.$eval(`[data-show="${show}"] [data-field="${name}"]`, (e) => e.textContent)).replace(/[^0-9]/g, ''));
  assert.equal(await field('The Office', 'episode'), 5);
  const updated = apiResponse(page, 'POST', '/api/update_episode');
  await named(page, '+1 episode of The Office').click();
  assert.equal((await updated).status(), 201);
  await page.waitForFunction(() => /6/.test(document.querySelector('[data-show="The Office"] [data-field="episode"]').textContent));
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-show="The Office"]');
  assert.equal(await field('The Office', 'episode'), 6);
  assert.equal(await field('The Office', 'season'), 2);
  await screenshot(page, 'tv');

  step('a folder is tagged through the TVDB search');
  await page.goto(base + '/library', { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-folder="Haikyuu (2014)"]');
  await named(page, 'Tag Haikyuu (2014)').click();
  await page.waitForSelector('dialog[open] input');
  const searched = page.waitForResponse((r) => new URL(r.url()).pathname === '/tvdb/search');
  await page.type('dialog[open] input', 'haikyu');
  assert.equal((await searched).status(), 200);
  const tagged = apiResponse(page, 'PUT', '/show');
  await page.locator('dialog[open] ::-p-text(Haikyu!!)').click();
  const save = await page.$('dialog[open] button[type="submit"]');
  if (save) await save.click();
  assert.equal((await tagged).status(), 200);
  await page.waitForFunction(() => document.querySelector('[data-folder="Haikyuu (2014)"]').textContent.includes('Haikyu!!'));

  step('a channel counts in the language chosen for it, once the server accepts it');
  const channel = 'UCLp8RBhQHu9wSsq62j_Md6A'; // Despacito's: the fake YouTube says Japanese
  const languageOfChannel = () => page.$eval(`[data-channel="${channel}"] .group-lang`, (e) => e.dataset.language);
  await page.waitForSelector(`[data-channel="${channel}"] .group-lang`);
  assert.equal(await languageOfChannel(), '', 'no choice yet: the provider says');
  await page.click(`[data-channel="${channel}"] [data-action="choose-language"]`);
  await page.waitForSelector('dialog[open] #group-language');
  await page.select('dialog[open] #group-language', 'es');
  // Refused once (a 400 with its sentence): said in the dialog, and the row does not change.
  fakeAnswers.push({ method: 'PUT', path: '/api/languages', status: 400, body: { error: 'language must be a BCP 47 primary language tag' } });
  let chose = apiResponse(page, 'PUT', '/api/languages');
  await page.click('[data-action="save-language"]');
  assert.equal((await chose).status(), 400);
  await page.waitForFunction(() => document.querySelector('dialog[open] [role="alert"]').textContent.includes('BCP 47'));
  assert.equal(await languageOfChannel(), '', 'a refused choice is not shown');
  forgiveFailedLoads();
  chose = apiResponse(page, 'PUT', '/api/languages');
  await page.click('[data-action="save-language"]');
  const chosen = await chose;
  assert.equal(chosen.status(), 200);
  assert.deepEqual(JSON.parse(chosen.request().postData()), { kind: 'channel', id: channel, language: 'es' });
  await page.waitForSelector(`[data-channel="${channel}"] [data-language="es"]`);
  assert.match(await page.$eval(`[data-channel="${channel}"] .group-lang`, (e) => e.textContent), /es.*Spanish/);
  assert.deepEqual((await api('/api/languages')).body.languages, [{ kind: 'channel', id: channel, language: 'es' }]);
  assert.ok((await api('/progress')).body.by_language.some((l) => l.language === 'es' && l.items >= 1), 'its video counts in Spanish');
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForSelector(`[data-channel="${channel}"] [data-language="es"]`);
  await screenshot(page, 'library');

  step('a change of time zone moves "today"');
  await page.goto(base + '/settings', { waitUntil: 'networkidle0' });
  await screenshot(page, 'settings');
  const todayIn = async (zone) => {
    await page.goto(base + '/settings', { waitUntil: 'networkidle0' });
    const saved = apiResponse(page, 'PUT', '/api/me/time_zone');
    await chooseTimeZone(page, zone);
    assert.equal((await saved).status(), 200);
    await page.goto(base + '/', { waitUntil: 'networkidle0' });
    await page.waitForSelector('[data-stat="today-date"]');
    const shown = await page.$eval('[data-stat="today-date"]', (e) => e.getAttribute('datetime') ?? e.dataset.date ?? e.textContent);
    const server = (await api('/api/activity')).body;
    assert.equal(server.time_zone, zone);
    assert.equal(shown, server.to, `today in ${zone}`);
    return shown;
  };
  const east = await todayIn('Pacific/Kiritimati');
  const west = await todayIn('Pacific/Pago_Pago');
  assert.notEqual(east, west, 'UTC+14 and UTC-11 are never on the same day');

  step('the exports download with the cookie; an export imported again adds nothing');
  await page.goto(base + '/settings', { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-action="export-json"]');
  const links = await page.$$eval('a[download][data-action^="export-"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['/api/export', '/api/export?format=csv']);
  // What the links download, fetched from the page (a real download would leave the page).
  const downloads = await page.evaluate(async (hrefs) => {
    const answers = [];
    for (const href of hrefs) {
      const r = await fetch(href);
      answers.push({ status: r.status, type: r.headers.get('Content-Type'), disposition: r.headers.get('Content-Disposition'), text: await r.text() });
    }
    return answers;
  }, links);
  for (const d of downloads) {
    assert.equal(d.status, 200);
    assert.match(d.disposition ?? '', new RegExp(`^attachment; filename="immersion-tracker-${username}-`));
  }
  assert.match(downloads[0].type, /^application\/json/);
  assert.match(downloads[1].type, /^text\/csv/);
  const exported = JSON.parse(downloads[0].text);
  const files = mkdtempSync(join(tmpdir(), 'it-import-'));
  try {
    // A document the server refuses: its sentence is shown, nothing is written.
    writeFileSync(join(files, 'not-an-export.json'), '{"format":"something else","version":1}');
    await (await page.$('#import-file')).uploadFile(join(files, 'not-an-export.json'));
    let imported = apiResponse(page, 'POST', '/api/import');
    await page.click('[data-action="import"]');
    assert.equal((await imported).status(), 400);
    await page.waitForFunction(() => /not an immersion-tracker export/.test(document.querySelector('.import-form [role="alert"]').textContent));
    forgiveFailedLoads();
    // The export itself: everything in it is there already.
    writeFileSync(join(files, 'export.json'), downloads[0].text);
    await (await page.$('#import-file')).uploadFile(join(files, 'export.json'));
    await page.waitForFunction(() => document.getElementById('import-file-hint').textContent.startsWith('export.json, '));
    imported = apiResponse(page, 'POST', '/api/import');
    await page.click('[data-action="import"]');
    const answer = await imported;
    assert.equal(answer.status(), 200);
    const sent = Object.entries(answer.request().headers()).find(([k]) => k.toLowerCase() === 'content-type');
    assert.equal(sent?.[1], 'application/json');
    // (The answer's body is read from the page: DevTools may have dropped it by now.)
    const count = (n, one, many) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
    const present = [
      exported.items.length ? count(exported.items.length, 'item', 'items') : '',
      exported.logs.length ? count(exported.logs.length, 'log', 'logs') : '',
    ].filter(Boolean);
    assert.ok(present.length > 0, 'the seeded account has items or logs');
    const expected = `Nothing new: ${present.join(' and ')} ${exported.items.length + exported.logs.length === 1 ? 'was' : 'were'} already there.`;
    await page.waitForFunction(() => document.querySelector('.import-form [role="status"]').textContent !== '');
    const summary = await page.$eval('.import-form [role="status"]', (e) => e.textContent);
    assert.ok(summary.startsWith(expected), `the summary "${summary}" starts with "${expected}"`);
    assert.equal(await page.$eval('[data-action="import"]', (b) => b.disabled), false);
  } finally {
    rmSync(files, { recursive: true, force: true });
  }

  step('the server going away is said in words');
  serverReachable = false;
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForFunction(() => /cannot reach|can't reach|unreachable/i.test(document.body.innerText));
  serverReachable = true;
  forgiveFailedLoads();

  step('another site cannot act with the cookie');
  const cookie = (await page.cookies(base)).find((c) => c.name === 'it_session');
  assert.ok(cookie?.httpOnly && cookie.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
  const forged = await fetch(base + '/api/update_episode', {
    method: 'POST',
    headers: { Cookie: `it_session=${cookie.value}`, Origin: 'https://evil.example', 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, tv_show: 'The Office', season: 9, episode: 1 }),
  });
  assert.equal(forged.status, 403);
  const stranger = await browser.newPage();
  await stranger.goto(base.replace('127.0.0.1', 'localhost') + '/login');
  const outcome = await stranger.evaluate(async (target, user) => {
    try {
      const r = await fetch(target + '/api/update_episode', {
        method: 'POST', credentials: 'include', headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ username: user, tv_show: 'The Office', season: 9, episode: 1 }),
      });
      return r.status;
    } catch {
      return 'blocked';
    }
  }, base, username);
  await stranger.close();
  assert.notEqual(outcome, 201, 'a page of another site changed an episode');
  assert.equal((await api('/api/show_episode?username=' + username + '&tv_show=The%20Office')).body.season, 2);

  step('an expired session goes back to the sign-in form');
  await page.deleteCookie({ name: 'it_session', url: base });
  await page.goto(base + '/tv', { waitUntil: 'networkidle0' });
  await page.waitForSelector('input[autocomplete="username"]');
  await page.type('input[autocomplete="username"]', username);
  await page.type('input[autocomplete="current-password"]', password);
  await page.click('form [type="submit"]');
  await page.waitForSelector('[data-show="The Office"]');
  assert.equal(new URL(page.url()).pathname, '/tv', 'back where the user was');
  forgiveFailedLoads();

  step('signing out forgets the session');
  const newCookie = (await page.cookies(base)).find((c) => c.name === 'it_session');
  const signedOut = apiResponse(page, 'DELETE', '/api/session');
  await named(page, 'Sign out').click();
  assert.equal((await signedOut).status(), 204);
  await page.waitForSelector('input[autocomplete="username"]');
  const after = await fetch(base + '/api/me', { headers: { Cookie: `it_session=${newCookie.value}` } });
  assert.equal(after.status, 401, 'the old cookie no longer signs in');

  step('a newcomer is told how to start');
  const [newcomer, newcomerPassword] = (process.env.IT_NEWCOMER ?? '').split(':');
  if (newcomer) {
    const fresh = await browser.createBrowserContext();
    const first = await fresh.newPage();
    await watch(first);
    await first.goto(base + '/login', { waitUntil: 'networkidle0' });
    await first.type('input[autocomplete="username"]', newcomer);
    await first.type('input[autocomplete="current-password"]', newcomerPassword);
    await first.click('form [type="submit"]');
    await first.waitForSelector('[data-stat="total-hours"]');
    assert.equal(await stat(first, 'total-hours'), 0);
    await first.waitForFunction(() => document.body.innerText.includes('immersion-tracker sync'));
    await screenshot(first, 'newcomer');
    for (const path of ['/logs', '/tv', '/library', '/settings']) {
      await first.goto(base + path, { waitUntil: 'networkidle0' });
      await screenshot(first, `newcomer${path.replace('/', '-')}`);
    }
    await fresh.close();
  }

  assert.deepEqual(problems, [], 'no console errors, page errors or foreign requests');
  console.log('dashboard browser test passed');
} finally {
  clearTimeout(deadline);
  await browser.close();
}

// Picks `zone` in the settings' time zone control (a searchable list).
async function chooseTimeZone(page, zone) {
  const select = await page.$('select[name="time_zone"], select#time-zone');
  if (select) {
    await select.select(zone);
  } else {
    const input = await page.$('input[name="time_zone"], input#time-zone, input[list]');
    await input.click({ clickCount: 3 });
    await input.type(zone);
    await page.locator(`::-p-text(${zone})`).click();
  }
  const save = await page.$('[data-action="save-time-zone"]');
  if (save) await save.click();
}
