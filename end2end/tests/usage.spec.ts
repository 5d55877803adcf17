// Usage: what is left of each allowance, the usage records (paged, filtered, downloaded as
// CSV), the use per day (an SVG chart and a table of the same figures), and the overview of
// every line (sorted by each column, downloaded as CSV) — every figure compared with the database.
import { Download, expect, Locator, Page, test } from './support/fixtures';
import fs from 'node:fs';
import { customerByEmail } from './support/db';
import { dayBefore, displayMsisdn, formatDate, formatMoney, norm, todayUtc } from './support/format';
import { DEMO, definitions, hydrated, shot, shotMobile, signIn, tableRows } from './support/ui';
import {
  CHART_NAME,
  KIND_PARAM,
  Kind,
  RECORD_CSV_HEADER,
  SORT_HEADING,
  Sort,
  UsageLine,
  allowances,
  amount,
  chartValue,
  csvLine,
  csvRows,
  currentPeriod,
  formatChartValue,
  formatDateTime,
  left,
  leftOfIncluded,
  lineCsv,
  recordCsv,
  recordRow,
  sortLines,
  usageLines,
  usagePerDay,
  usageRecords,
} from './support/usage';

const PER_PAGE = 50;

function lineName(line: UsageLine): string {
  return line.label ? `${displayMsisdn(line.msisdn)} (${line.label})` : displayMsisdn(line.msisdn);
}

const records = (page: Page) => page.getByRole('region', { name: 'Usage records' });
const filterForm = (page: Page) => page.getByRole('form', { name: 'Filter usage records' });

async function settle(page: Page, js: boolean) {
  if (js) await hydrated(page);
}

/** The rows the records table shows, and the rows the database says it must. */
async function expectRecords(page: Page, expected: ReturnType<typeof usageRecords>, lang: 'cs' | 'pl', currency: 'CZK' | 'PLN') {
  const want = expected.map((r) => Object.fromEntries(Object.entries(recordRow(r, currency, lang)).map(([k, v]) => [k, norm(v)])));
  expect(await tableRows(records(page).locator('table')), 'usage record rows').toEqual(want);
}

/** Downloads what `link` points at and answers its text. */
async function download(page: Page, link: Locator): Promise<{ text: string; file: Download }> {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await file.path();
  return { text: fs.readFileSync(path, 'utf8'), file };
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js, acceptDownloads: true });
    const suffix = js ? '' : '-nojs';

    test('Usage from the menu shows what is left of each allowance of each line, as the database has it', async ({ page }) => {
      const demo = customerByEmail(DEMO.private);
      const lines = usageLines(demo.id);
      expect(lines.length, 'the demo customer has two lines').toBe(2);

      await signIn(page, js, DEMO.private);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage', exact: true }).click();
      await expect(page).toHaveURL(/\/usage$/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Usage');
      await settle(page, js);

      for (const [i, line] of lines.entries()) {
        if (i > 0) {
          await page.getByRole('navigation', { name: 'Line' }).getByRole('link', { name: lineName(line), exact: true }).click();
          await expect(page).toHaveURL(new RegExp(`/usage\\?line=${line.id}$`));
          await settle(page, js);
        }
        const chosen = page.getByRole('navigation', { name: 'Line' }).getByRole('link', { name: lineName(line), exact: true });
        await expect(chosen).toHaveAttribute('aria-current', 'true');
        const section = page.getByRole('region', { name: `Allowances of ${lineName(line)}` });
        await expect(section).toBeVisible();
        const period = currentPeriod(line.id)!;
        expect(period, 'a running period').toBeTruthy();
        for (const a of allowances(line, period)) {
          const block = section.getByRole('article', { name: a.name, exact: true });
          const l = left(a);
          await expect(block.locator('.big')).toHaveText(l === null ? 'Unlimited' : norm(`${amount(a, l, demo.language)} left`), {
            useInnerText: true,
          });
          const shown = await definitions(block);
          const expected: Record<string, string> = {
            Included: a.included === null ? 'Unlimited' : norm(amount(a, a.included, demo.language)),
            Used: norm(amount(a, a.used, demo.language)),
          };
          if (l !== null) expected.Left = norm(amount(a, l, demo.language));
          expect(shown, `${lineName(line)}: ${a.name}`).toEqual(expected);
        }
        const facts = await definitions(section.locator('dl.period'));
        expect(facts).toEqual({
          Plan: line.plan,
          'Period ends': norm(formatDate(dayBefore(period.period_end), demo.language)),
          'Resets on': norm(formatDate(period.period_end, demo.language)),
          'Usage as of': norm(`${formatDateTime(period.rated_at, demo.language)} UTC`),
        });
      }
      await shot(page, `usage-demo-desktop${suffix}`);
      if (!js) await shotMobile(page, 'usage-demo-mobile-nojs');
    });

    test('usage records page newest first, 50 at a time, and filter by type and days, as the database has them', async ({ page }) => {
      const piotr = customerByEmail(DEMO.prepaid);
      const [line] = usageLines(piotr.id);
      const all = usageRecords(line.id);
      expect(all.length, 'the prepaid demo line has several pages of records').toBeGreaterThan(2 * PER_PAGE);
      await signIn(page, js, DEMO.prepaid);
      await page.goto('/usage');
      await settle(page, js);

      // Every page, following "Older records", then back with "Newest records".
      const pages = Math.ceil(all.length / PER_PAGE);
      for (let p = 0; p < pages; p++) {
        await expectRecords(page, all.slice(p * PER_PAGE, (p + 1) * PER_PAGE), piotr.language, piotr.currency);
        const older = records(page).getByRole('link', { name: 'Older records' });
        if (p === pages - 1) {
          await expect(older).toHaveCount(0);
          break;
        }
        const last = all[(p + 1) * PER_PAGE - 1];
        await expect(older).toHaveAttribute('href', new RegExp(`after=${Date.parse(last.started_at) * 1000}_${last.id}$`));
        await older.click();
        await settle(page, js);
      }
      await expect(records(page).getByRole('link', { name: 'Newest records' })).toBeVisible();
      if (!js) await shotMobile(page, 'usage-records-last-page-mobile-nojs');
      await records(page).getByRole('link', { name: 'Newest records' }).click();
      await settle(page, js);
      await expectRecords(page, all.slice(0, PER_PAGE), piotr.language, piotr.currency);

      // Roaming records carry a visible tag.
      const roaming = all.slice(0, PER_PAGE).filter((r) => r.roaming).length;
      await expect(records(page).locator('tbody').getByText('Roaming', { exact: true })).toHaveCount(roaming);

      // SMS between two days of the history, both included.
      const from = all[Math.min(150, all.length - 1)].started_at.slice(0, 10);
      const to = all[20].started_at.slice(0, 10);
      await filterForm(page).getByLabel('Type', { exact: true }).selectOption({ label: 'SMS' });
      await filterForm(page).getByLabel('From', { exact: true }).fill(from);
      await filterForm(page).getByLabel('To', { exact: true }).fill(to);
      await filterForm(page).getByRole('button', { name: 'Show', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('type') === 'sms');
      await settle(page, js);
      expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ line: String(line.id), type: 'sms', from, to });
      const sms = usageRecords(line.id, { kind: 'sms', from, to });
      expect(sms.length, 'SMS in that range').toBeGreaterThan(0);
      await expectRecords(page, sms.slice(0, PER_PAGE), piotr.language, piotr.currency);
      await expect(filterForm(page).getByLabel('Type', { exact: true })).toHaveValue('sms');
      await shot(page, `usage-records-filtered${suffix}`);

      // Each type alone, over all days.
      for (const kind of ['call', 'data'] as Kind[]) {
        await page.goto(`/usage?line=${line.id}&type=${KIND_PARAM[kind]}`);
        await settle(page, js);
        await expectRecords(page, usageRecords(line.id, { kind }).slice(0, PER_PAGE), piotr.language, piotr.currency);
      }

      // Filters the page cannot read are explained in it.
      for (const [query, message] of [
        ['from=2026-11-31', '“From” is not a date. Write it as year-month-day, for example 2026-11-05.'],
        ['from=2026-11-20&to=2026-11-10', '“From” (2026-11-20) is after “To” (2026-11-10): choose a first day no later than the last.'],
      ]) {
        const response = await page.goto(`/usage?line=${line.id}&${query}`);
        expect(response?.status()).toBe(200);
        await expect(records(page).getByRole('alert')).toHaveText(message);
        await expect(page.getByRole('region', { name: `Allowances of ${lineName(line)}` })).toBeVisible();
      }
      await shot(page, `usage-records-bad-filter${suffix}`);
    });

    test('the use per day is a chart with one bar a day and a table of the same figures as the database', async ({ page }) => {
      const demo = customerByEmail(DEMO.private);
      const [line] = usageLines(demo.id);
      const days = usagePerDay(line.id);
      expect(days.length, 'the period has begun').toBeGreaterThan(0);
      expect(days[days.length - 1].day).toBe(todayUtc());
      await signIn(page, js, DEMO.private);
      await page.goto('/usage');
      await settle(page, js);

      const section = page.getByRole('region', { name: 'Use per day' });
      for (const kind of ['data', 'call', 'sms'] as Kind[]) {
        if (kind !== 'data') {
          await section.getByRole('navigation', { name: 'Chart shows' }).getByRole('link', { name: CHART_NAME[kind], exact: true }).click();
          await page.waitForURL((url) => url.searchParams.get('chart') === KIND_PARAM[kind]);
          await settle(page, js);
        }
        const chart = section.getByRole('img');
        await expect(chart).toHaveAttribute('aria-label', new RegExp(`^${CHART_NAME[kind]} per day from `));
        const bars = chart.locator('rect.day');
        await expect(bars).toHaveCount(days.length);
        const drawn = await bars.evaluateAll((rects) =>
          rects.map((r) => [r.getAttribute('data-day'), Number(r.getAttribute('data-value')), Number(r.getAttribute('height'))] as const),
        );
        expect(drawn.map(([day, value]) => [day, value])).toEqual(days.map((d) => [d.day, chartValue(kind, d.sums[kind])]));
        // Heights in proportion to the values.
        const tallest = drawn.reduce((best, d) => (d[1] > best[1] ? d : best), drawn[0]);
        for (const [day, value, height] of drawn) {
          const expected = tallest[1] ? (tallest[2] * value) / tallest[1] : 0;
          expect(Math.abs(height - expected), `bar of ${day}`).toBeLessThan(0.2);
        }
        // The table alternative, behind "Show as a table".
        await section.getByText('Show as a table').click();
        const table = section.locator('details table');
        await expect(table).toBeVisible();
        expect(await tableRows(table)).toEqual(
          days.map((d) => ({ Day: norm(formatDate(d.day, demo.language)), [CHART_NAME[kind]]: norm(formatChartValue(kind, chartValue(kind, d.sums[kind]), demo.language)) })),
        );
        if (kind === 'data') {
          await shot(page, `usage-chart-data${suffix}`);
          if (!js) await shotMobile(page, 'usage-chart-mobile-nojs');
        }
      }
    });

    test('"Download CSV" saves every record of the filter, row for row as in the database, and only the owner\'s', async ({ page }) => {
      const piotr = customerByEmail(DEMO.prepaid);
      const [line] = usageLines(piotr.id);
      await signIn(page, js, DEMO.prepaid);
      await page.goto('/usage');
      await settle(page, js);

      const all = usageRecords(line.id);
      const { text, file } = await download(page, records(page).getByRole('link', { name: 'Download CSV' }));
      expect(file.suggestedFilename()).toBe(`usage-${line.msisdn.replace(/\D/g, '')}.csv`);
      expect(csvRows(text)).toEqual([RECORD_CSV_HEADER, ...all.map((r) => recordCsv(r, piotr.currency))]);

      await page.goto(`/usage?line=${line.id}&type=data&from=${all[all.length - 1].started_at.slice(0, 10)}`);
      await settle(page, js);
      const data = usageRecords(line.id, { kind: 'data', from: all[all.length - 1].started_at.slice(0, 10) });
      const filtered = await download(page, records(page).getByRole('link', { name: 'Download CSV' }));
      expect(csvRows(filtered.text)).toEqual([RECORD_CSV_HEADER, ...data.map((r) => recordCsv(r, piotr.currency))]);

      const elsewhere = usageLines(customerByEmail(DEMO.private).id)[0];
      expect((await page.request.get(`/usage/${elsewhere.id}/records.csv`)).status()).toBe(404);
      expect((await page.goto(`/usage?line=${elsewhere.id}`))?.status()).toBe(404);
      await expect(page.getByRole('alert')).toContainText('Not found');
    });

    test('the overview of every line sorts by each column, both ways, and downloads in that order', async ({ page }) => {
      const business = customerByEmail(DEMO.business);
      const lines = usageLines(business.id);
      expect(lines.length).toBe(5);
      await signIn(page, js, DEMO.business);
      await page.goto('/usage');
      await settle(page, js);
      await page.getByRole('link', { name: 'All lines at a glance' }).click();
      await expect(page).toHaveURL(/\/usage\/lines$/);
      await settle(page, js);

      const table = page.getByRole('table');
      const expectOrder = async (sort: Sort, dir: 'asc' | 'desc') => {
        const sorted = sortLines(lines, sort, dir);
        const rows = await tableRows(table);
        expect(rows.map((r) => r.Number), `sorted by ${sort} ${dir}`).toEqual(sorted.map((l) => displayMsisdn(l.msisdn)));
        // Every cell as the database has it.
        expect(rows).toEqual(
          sorted.map((l) => {
            const period = currentPeriod(l.id)!;
            const [minutes, sms, data] = allowances(l, period).map((a) => norm(leftOfIncluded(a, business.language)));
            return {
              Number: displayMsisdn(l.msisdn),
              User: l.label ?? '',
              Plan: l.plan,
              'Minutes left': minutes,
              'SMS left': sms,
              'Data left': data,
              Credit: l.payment_type === 'prepaid' ? norm(formatMoney(l.credit_cents, business.currency, business.language)) : '',
              'Period ends': norm(formatDate(dayBefore(period.period_end), business.language)),
            };
          }),
        );
        return sorted;
      };
      await expectOrder('number', 'asc');
      await expect(table.locator('th[aria-sort]')).toHaveCount(1);

      let last: UsageLine[] = [];
      for (const sort of ['data', 'label', 'minutes', 'sms', 'credit', 'number'] as Sort[]) {
        for (const dir of ['asc', 'desc'] as ('asc' | 'desc')[]) {
          await table.getByRole('link', { name: SORT_HEADING[sort], exact: true }).click();
          await page.waitForURL((url) => url.searchParams.get('sort') === sort && url.searchParams.get('dir') === dir);
          await settle(page, js);
          await expect(table.getByRole('columnheader', { name: SORT_HEADING[sort], exact: true })).toHaveAttribute(
            'aria-sort',
            dir === 'asc' ? 'ascending' : 'descending',
          );
          await expect(table.locator('th[aria-sort]')).toHaveCount(1);
          last = await expectOrder(sort, dir);
          if (sort === 'data' && dir === 'asc') {
            await shot(page, `usage-lines-business${suffix}`);
            if (!js) await shotMobile(page, 'usage-lines-business-mobile-nojs');
          }
        }
      }

      // The download follows the sort on screen (number, descending, by now).
      const { text, file } = await download(page, page.getByRole('link', { name: 'Download CSV' }));
      expect(file.suggestedFilename()).toBe('lines.csv');
      expect(csvRows(text)).toEqual([
        csvLine(['number', 'label', 'plan', 'minutes_left', 'minutes_included', 'sms_left', 'sms_included', 'data_left_mb', 'data_included_mb', 'credit', 'currency', 'period_end', 'line_id']),
        ...last.map((l) => lineCsv(l, business.currency)),
      ]);
    });

    test('a prepaid customer with one line sees its credit in the overview of lines', async ({ page }) => {
      const piotr = customerByEmail(DEMO.prepaid);
      const [line] = usageLines(piotr.id);
      await signIn(page, js, DEMO.prepaid);
      await page.goto('/usage/lines?sort=credit&dir=desc');
      await settle(page, js);
      const rows = await tableRows(page.getByRole('table'));
      expect(rows.length).toBe(1);
      expect(rows[0].Number).toBe(displayMsisdn(line.msisdn));
      expect(rows[0].Credit).toBe(norm(formatMoney(line.credit_cents, piotr.currency, piotr.language)));
      const { text } = await download(page, page.getByRole('link', { name: 'Download CSV' }));
      expect(csvRows(text)[1]).toBe(lineCsv(line, piotr.currency));
    });
  });
}
