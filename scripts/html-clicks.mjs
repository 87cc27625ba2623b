// Opens an HTML report in headless Chromium and uses it as a reader would: the failures come
// first and the passes are folded away; then each filter is clicked or typed into and the rows
// left visible are counted against the page's own data. Prints one line per check; exits 1 on
// the first that fails.
// Usage: node scripts/html-clicks.mjs REPORT.html   (playwright-core from .venv/browser, Chromium
// at $CHROMIUM or /usr/bin/chromium)
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '.venv', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const report = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = false;
function check(what, ok, detail) {
  console.log(`${ok ? 'pass' : 'FAIL'}  ${what}${detail === undefined ? '' : ': ' + detail}`);
  if (!ok) { failed = true; }
}
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });
  await page.goto(pathToFileURL(path.resolve(report)).href);
  await page.waitForSelector('body[data-rendered="yes"]');
  const visible = (sel) => page.$$eval(sel, (rows) => rows.filter((r) => r.checkVisibility()).length);
  const shown = async () => Number(await page.textContent('#shown'));
  const all = await page.$$eval('tr.case', (rows) => rows.map((r) => r.dataset.result));
  const count = (result) => all.filter((r) => r === result).length;

  const sections = await page.$$eval('[data-section]', (s) => s.map((e) => e.dataset.section));
  const order = ['gate', 'errored', 'finding', 'skipped', 'passed'];
  check('sections in order: gate failures, errors, findings, skips, passes', JSON.stringify(sections) ===
    JSON.stringify(order.filter((r) => count(r) > 0)), sections.join(', '));
  check('passes folded away on load', await visible('tr.case[data-result="passed"]') === 0);
  const first = await page.$$eval('tr.case', (rows) => rows.find((r) => r.checkVisibility()).dataset.result);
  check('the first visible row is not a pass', first !== 'passed', first);

  await page.click('#count-finding');
  check('the findings count shows only findings', await visible('tr.case') === count('finding') &&
    await visible('tr.case:not([data-result="finding"])') === 0, String(await visible('tr.case')));

  await page.click('#count-passed');
  check('the passed count opens the passes and shows only them',
    await visible('tr.case') === count('passed') && await page.$eval('#passed-cases', (d) => d.open));

  await page.check('input[data-result="gate"]');
  await page.check('input[data-result="finding"]');
  await page.uncheck('input[data-result="passed"]');
  check('result boxes: gate failures and findings, no passes',
    await visible('tr.case') === count('gate') + count('finding') && await shown() === count('gate') + count('finding'));
  await page.check('input[data-result="passed"]');

  const suite = await page.$eval('tr.case', (r) => r.dataset.suite);
  await page.selectOption('#suite', suite);
  const inSuite = await page.$$eval(`tr.case[data-suite="${suite}"]`, (r) => r.length);
  check(`suite filter: only ${suite}`, await visible('tr.case') === inSuite && await shown() === inSuite);
  await page.selectOption('#suite', '');

  await page.uncheck('input[data-level="must"]');
  check('level box: no must case left', await visible('tr.case[data-level="must"]') === 0 && await shown() > 0);
  await page.check('input[data-level="must"]');

  const name = await page.$eval('tr.case td:nth-child(4)', (td) => td.firstChild.textContent.trim());
  await page.fill('#search', name);
  const matching = await page.$$eval('tr.case', (rows, n) => rows.filter((r) => r.textContent.toLowerCase().includes(n.toLowerCase())).length, name);
  check(`search "${name}"`, await visible('tr.case') === matching && matching >= 1, String(matching));
  await page.fill('#search', '');

  const link = await page.$('#matrix a[data-filter-suite]');
  const [linkSuite, linkLevel] = await link.evaluate((a) => [a.dataset.filterSuite, a.dataset.filterLevel]);
  await link.click();
  const cell = await page.$$eval(`tr.case[data-suite="${linkSuite}"][data-level="${linkLevel}"]`, (r) => r.length);
  check(`suites × levels cell ${linkSuite}/${linkLevel} shows its cases`, await visible('tr.case') === cell, String(cell));

  check('no script errors', errors.length === 0, errors.join(' | '));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
