// The invoice list: what is left to pay (overdue first), the paid invoices a page at a time,
// and the filters by line and year — every row compared with the database.
import { expect, Page, test } from './support/fixtures';
import {
  Invoice,
  InvoiceFilter,
  billedLines,
  expectedRow,
  invoiceByNumber,
  invoiceYears,
  lineOption,
  openInvoices,
  settledInvoices,
} from './support/billing';
import { customerByEmail, execute, lit } from './support/db';
import { Language, formatMoney, norm } from './support/format';
import { DEMO, hydrated, rowLinks, shot, shotMobile, signIn, tableRows } from './support/ui';

const PER_PAGE = 12;

/** The rows the "To pay" table must hold, cell by cell. */
function toPayRows(invoices: Invoice[], language: Language): Record<string, string>[] {
  return invoices.map((inv) => {
    const e = expectedRow(inv, language);
    return {
      Invoice: e.number,
      Period: norm(e.period),
      'Due by': norm(e.due),
      Total: norm(e.total),
      'Left to pay': norm(e.left),
      Status: e.state,
    };
  });
}

/** The rows the "Paid invoices" table must hold, cell by cell. */
function paidRows(invoices: Invoice[], language: Language): Record<string, string>[] {
  return invoices.map((inv) => {
    const e = expectedRow(inv, language);
    return {
      Invoice: e.number,
      Period: norm(e.period),
      Issued: norm(e.issued),
      'Due by': norm(e.due),
      Total: norm(e.total),
      Status: e.state,
    };
  });
}

function links(invoices: Invoice[]): string[] {
  return invoices.map((inv) => `/invoices/${inv.number}`);
}

/** Checks both lists against the database for `filter`, on the first page. */
async function expectLists(page: Page, customerId: number, language: Language, filter: InvoiceFilter = {}) {
  const open = openInvoices(customerId, filter);
  const settled = settledInvoices(customerId, filter);

  const toPay = page.getByRole('region', { name: 'To pay', exact: true });
  if (open.length) {
    await expect(toPay.getByRole('heading', { name: 'To pay' })).toBeVisible();
    expect(await tableRows(toPay.locator('table')), 'To pay rows').toEqual(toPayRows(open, language));
    expect(await rowLinks(toPay.locator('table')), 'To pay links').toEqual(links(open));
  } else {
    await expect(toPay, 'no "To pay" section when nothing is left to pay').toHaveCount(0);
  }

  const paid = page.getByRole('region', { name: 'Paid invoices' });
  await expect(paid.getByRole('heading', { name: 'Paid invoices' })).toBeVisible();
  const shown = settled.slice(0, PER_PAGE);
  if (shown.length) {
    expect(await tableRows(paid.locator('table')), 'Paid invoices rows').toEqual(paidRows(shown, language));
    expect(await rowLinks(paid.locator('table')), 'Paid invoices links').toEqual(links(shown));
  } else {
    await expect(paid.locator('table')).toHaveCount(0);
  }
  await expect(paid.getByRole('link', { name: 'Older invoices' })).toHaveCount(settled.length > PER_PAGE ? 1 : 0);
  await expect(paid.getByRole('link', { name: 'Newest invoices' })).toHaveCount(0);
}

async function openInvoicesFromNav(page: Page, js: boolean) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices', exact: true }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Invoices');
  if (js) await hydrated(page);
}

// The filter's selects, by their labels.
const lineSelect = (page: Page) => page.getByRole('form', { name: 'Filter invoices' }).getByLabel('Line', { exact: true });
const yearSelect = (page: Page) => page.getByRole('form', { name: 'Filter invoices' }).getByLabel('Year', { exact: true });

async function filter(page: Page, js: boolean, choice: { line?: string; year?: string }) {
  if (choice.line !== undefined) await lineSelect(page).selectOption({ label: choice.line });
  if (choice.year !== undefined) await yearSelect(page).selectOption({ label: choice.year });
  const before = new URL(page.url()).search;
  await page.getByRole('form', { name: 'Filter invoices' }).getByRole('button', { name: 'Show', exact: true }).click();
  // A GET form: the browser loads the list again with the filter in the URL.
  await page.waitForURL((url) => url.pathname === '/invoices' && url.search !== before);
  if (js) await hydrated(page);
}

function search(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const suffix = js ? '' : '-nojs';

    test('the demo customer opens Invoices from the menu and sees exactly her open and paid invoices', async ({ page }) => {
      const demo = customerByEmail(DEMO.private);
      // The seed the contract promises: one unpaid invoice, eleven paid, so one page.
      expect(openInvoices(demo.id).length, 'open invoices in the seed').toBe(1);
      expect(settledInvoices(demo.id).length, 'paid invoices in the seed').toBe(11);

      await signIn(page, js, DEMO.private);
      await openInvoicesFromNav(page, js);
      await expectLists(page, demo.id, demo.language);
      // The unpaid invoice is not due yet: "Unpaid", not "Overdue".
      await expect(page.getByRole('region', { name: 'To pay', exact: true }).getByText('Unpaid', { exact: true })).toBeVisible();
      await shot(page, `invoices-demo-desktop${suffix}`);
      if (!js) await shotMobile(page, 'invoices-demo-mobile-nojs');
    });

    test("the business customer's overdue, partly paid invoice comes first and reads Overdue", async ({ page }) => {
      const business = customerByEmail(DEMO.business);
      const open = openInvoices(business.id);
      // The seed: the newest invoice unpaid, the one before it partly paid and overdue.
      expect(open.length, 'open invoices in the seed').toBe(2);
      const [overdue, newest] = open;
      expect(overdue.paid_cents, 'the overdue invoice is partly paid').toBeGreaterThan(0);
      expect(overdue.issued_on < newest.issued_on, 'the overdue invoice is the older one').toBe(true);

      await signIn(page, js, DEMO.business);
      await openInvoicesFromNav(page, js);
      await expectLists(page, business.id, business.language);

      const rows = await tableRows(page.getByRole('region', { name: 'To pay', exact: true }).locator('table'));
      expect(rows[0].Invoice).toBe(overdue.number);
      expect(rows[0].Status).toBe('Overdue');
      expect(rows[0]['Left to pay']).toBe(norm(formatMoney(overdue.total_cents - overdue.paid_cents, 'CZK', 'cs')));
      expect(rows[1].Status).toBe('Unpaid');
      await shot(page, `invoices-business-desktop${suffix}`);
    });

    test('filtering by line and year shows exactly the invoices the database has for that line and year', async ({ page }) => {
      const business = customerByEmail(DEMO.business);
      const lines = billedLines(business.id);
      const years = invoiceYears(business.id);
      expect(lines.length, 'business lines').toBe(5);
      expect(years.length, 'years with invoices').toBeGreaterThan(1);

      await signIn(page, js, DEMO.business);
      await page.goto('/invoices');
      if (js) await hydrated(page);

      // The choices: every line with its user, every year newest first.
      const lineChoice = lineSelect(page);
      const yearChoice = yearSelect(page);
      expect((await lineChoice.locator('option').allTextContents()).map(norm)).toEqual([
        'All lines',
        ...lines.map((l) => norm(lineOption(l))),
      ]);
      expect((await yearChoice.locator('option').allTextContents()).map(norm)).toEqual([
        'All years',
        ...years.map(String),
      ]);

      // The oldest year holds only paid invoices; the newest year and a line hold both kinds.
      const line = lines[2];
      expect(lineOption(line)).toBe('+420 603 100 003 (Martin Dvořák)');
      const oldest = years[years.length - 1];
      await filter(page, js, { line: lineOption(line), year: String(oldest) });
      expect(Object.fromEntries(search(page))).toEqual({ line: String(line.id), year: String(oldest) });
      await expectLists(page, business.id, business.language, { line: line.id, year: oldest });
      expect(settledInvoices(business.id, { line: line.id, year: oldest }).length, 'paid invoices in the oldest year').toBeLessThan(
        settledInvoices(business.id).length,
      );
      // The form shows what is applied.
      await expect(lineChoice).toHaveValue(String(line.id));
      await expect(yearChoice).toHaveValue(String(oldest));

      await filter(page, js, { line: 'All lines', year: String(years[0]) });
      expect(search(page).get('year')).toBe(String(years[0]));
      expect(search(page).get('line') ?? '').toBe('');
      await expectLists(page, business.id, business.language, { year: years[0] });
      await shot(page, `invoices-filtered${suffix}`);

      await filter(page, js, { year: 'All years' });
      await expectLists(page, business.id, business.language);

      // Every business line is on every invoice of the seed, so the line filter alone changes
      // nothing above. A line with no invoices here (another customer's) shows that it is applied.
      const elsewhere = billedLines(customerByEmail(DEMO.private).id)[0];
      expect(settledInvoices(business.id, { line: elsewhere.id })).toEqual([]);
      await page.goto(`/invoices?line=${elsewhere.id}`);
      await expectLists(page, business.id, business.language, { line: elsewhere.id });
      await expect(page.getByRole('region', { name: 'Paid invoices' })).toContainText('No paid invoices match these filters.');
    });

    test('a page link of the paid invoices continues after the invoice it names, and "Newest invoices" goes back', async ({ page }) => {
      // No demo customer has more than 12 paid invoices, so the next page is asked for by URL,
      // with the cursor the "Older invoices" link writes: `<issued_on>_<id>` of the last row.
      const demo = customerByEmail(DEMO.private);
      const settled = settledInvoices(demo.id);
      const last = settled[4];
      await signIn(page, js, DEMO.private);
      await page.goto(`/invoices?after=${last.issued_on}_${last.id}`);
      if (js) await hydrated(page);

      const paid = page.getByRole('region', { name: 'Paid invoices' });
      expect(await tableRows(paid.locator('table'))).toEqual(paidRows(settled.slice(5), demo.language));
      await expect(paid.getByRole('link', { name: 'Older invoices' })).toHaveCount(0);
      await paid.getByRole('link', { name: 'Newest invoices' }).click();
      await expect(page).toHaveURL(/\/invoices$/);
      await expectLists(page, demo.id, demo.language);
    });
  });
}

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('more than twelve paid invoices: "Older invoices" shows the rest and "Newest invoices" the first page', async ({ page }) => {
    // The demo data has at most twelve paid invoices per customer; two older paid invoices are
    // added for this test.
    const demo = customerByEmail(DEMO.private);
    const template = invoiceByNumber(settledInvoices(demo.id).at(-1)!.number);
    const extra = [
      { number: '9000000000001', start: '2025-09-20', end: '2025-10-19', issued: '2025-10-22', due: '2025-11-05' },
      { number: '9000000000002', start: '2025-08-20', end: '2025-09-19', issued: '2025-09-22', due: '2025-10-06' },
    ];
    execute(
      extra
        .map(
          (e, i) =>
            `INSERT INTO invoices (number, customer_id, account_id, period_start, period_end, issued_on, due_on, currency,
               net_cents, vat_cents, total_cents, paid_cents, status, payment_reference, created_at)
             VALUES (${lit(e.number)}, ${demo.id}, ${template.account_id}, ${lit(e.start)}, ${lit(e.end)}, ${lit(e.issued)},
               ${lit(e.due)}, 'CZK', ${10000 + i}, ${2100}, ${12100 + i}, ${12100 + i}, 'paid', ${lit('90000000' + (i + 1))},
               ${lit(e.issued + 'T06:00:00+00:00')});`,
        )
        .join('\n'),
    );
    const settled = settledInvoices(demo.id);
    expect(settled.length).toBe(13);

    await signIn(page, false, DEMO.private);
    await page.goto('/invoices');
    await expectLists(page, demo.id, demo.language);
    const paid = page.getByRole('region', { name: 'Paid invoices' });
    const older = paid.getByRole('link', { name: 'Older invoices' });
    await expect(older).toHaveAttribute('href', `/invoices?after=${settled[11].issued_on}_${settled[11].id}`);
    await older.click();
    await expect(page).toHaveURL(/\/invoices\?after=/);
    expect(await tableRows(paid.locator('table'))).toEqual(paidRows(settled.slice(12), demo.language));
    await expect(paid.getByRole('link', { name: 'Older invoices' })).toHaveCount(0);
    // The unpaid invoice is on every page.
    await expect(page.getByRole('region', { name: 'To pay', exact: true }).locator('tbody tr')).toHaveCount(1);
    await shot(page, 'invoices-older-page-nojs');

    await paid.getByRole('link', { name: 'Newest invoices' }).click();
    await expect(page).toHaveURL(/\/invoices$/);
    expect(await tableRows(paid.locator('table'))).toEqual(paidRows(settled.slice(0, 12), demo.language));
  });

  test('an invoice paid in part and not yet due reads "Partly paid" with the rest left to pay', async ({ page }) => {
    // The demo data's partly paid invoice is overdue ("Overdue" wins); for this test the
    // business's newest invoice gets a part payment.
    const business = customerByEmail(DEMO.business);
    const open = openInvoices(business.id);
    const newest = open[open.length - 1];
    expect(newest.paid_cents, 'the newest invoice is unpaid in the seed').toBe(0);
    const part = 100_000;
    execute(`UPDATE invoices SET paid_cents = ${part} WHERE id = ${newest.id}`);
    await signIn(page, false, DEMO.business);
    await page.goto('/invoices');
    await expectLists(page, business.id, business.language);
    const rows = await tableRows(page.getByRole('region', { name: 'To pay', exact: true }).locator('table'));
    const row = rows.find((r) => r.Invoice === newest.number);
    expect(row?.Status).toBe('Partly paid');
    expect(row?.['Left to pay']).toBe(norm(formatMoney(newest.total_cents - part, 'CZK', 'cs')));
  });

  test('a page link that was not written by the portal says so instead of failing', async ({ page }) => {
    await signIn(page, false, DEMO.private);
    const response = await page.goto('/invoices?after=nonsense');
    expect(response?.status()).toBeLessThan(500);
    await expect(page.getByText('That page link is not valid. Start from the first page.')).toBeVisible();
  });
});
