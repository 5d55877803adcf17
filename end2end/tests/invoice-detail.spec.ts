// One invoice: its facts, charges by category, VAT per rate, payments, how to pay what is
// left, and why it differs from the previous bill — every figure compared with the database.
import { expect, Page, test } from './support/fixtures';
import {
  CATEGORY_HEADINGS,
  DEMO_PAYEE,
  Invoice,
  METHOD_LABELS,
  chargesOf,
  expectedChanges,
  invoicesOf,
  invoiceState,
  leftToPay,
  newestInvoice,
  openInvoices,
  paymentsOfInvoice,
  previousInvoice,
  vatByRate,
} from './support/billing';
import { customerByEmail } from './support/db';
import {
  Language,
  displayMsisdn,
  formatDate,
  formatMoney,
  formatPeriod,
  formatRate,
  formatSignedMoney,
  norm,
  parseMoney,
} from './support/format';
import { DEMO, definitions, hydrated, pageText, shot, shotMobile, signIn, tableRows } from './support/ui';

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

/** The facts of the invoice's summary, and that "Paid"/"Left to pay" appear only when they should. */
async function expectFacts(page: Page, inv: Invoice, lang: Language) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${inv.number}`);
  const state = invoiceState(inv);
  const left = leftToPay(inv);
  const expected: Record<string, string> = {
    Period: formatPeriod(inv.period_start, inv.period_end, lang),
    Issued: formatDate(inv.issued_on, lang),
    'Due by': formatDate(inv.due_on, lang),
    Status: state,
    Total: formatMoney(inv.total_cents, inv.currency, lang),
  };
  if (inv.paid_cents > 0 && left > 0) expected['Paid'] = formatMoney(inv.paid_cents, inv.currency, lang);
  if (left > 0) expected['Left to pay'] = formatMoney(left, inv.currency, lang);

  const shown = await definitions(region(page, 'Summary'));
  for (const [term, value] of Object.entries(expected)) {
    expect.soft(shown[term], `summary: ${term}`).toBe(norm(value));
  }
  if (!expected['Paid'] && inv.paid_cents === 0) expect.soft(Object.keys(shown), 'no "Paid" when nothing was paid').not.toContain('Paid');
  if (!expected['Left to pay']) expect.soft(Object.keys(shown), 'no "Left to pay" when settled').not.toContain('Left to pay');

  await expect(page.getByRole('link', { name: 'Download PDF', exact: true })).toHaveAttribute('href', `/invoices/${inv.number}/pdf`);
}

/** The bank details, reference, amount and due date of the "How to pay" box, and its QR code. */
async function expectHowToPay(page: Page, inv: Invoice, lang: Language) {
  const pay = region(page, `How to pay invoice ${inv.number}`);
  if (leftToPay(inv) === 0) {
    await expect(pay, 'no payment instructions for a settled invoice').toHaveCount(0);
    return;
  }
  await expect(pay.getByRole('heading', { level: 2 })).toHaveText('How to pay');
  const shown = await definitions(pay);
  expect.soft(shown['Pay to']).toBe(DEMO_PAYEE.name);
  expect.soft(shown['IBAN']).toBe(DEMO_PAYEE.CZK.iban);
  expect.soft(shown['Account number']).toBe(DEMO_PAYEE.CZK.domestic);
  expect.soft(shown['Variable symbol']).toBe(inv.payment_reference);
  expect.soft(shown['Amount']).toBe(norm(formatMoney(leftToPay(inv), inv.currency, lang)));
  expect.soft(shown['Due by']).toBe(norm(formatDate(inv.due_on, lang)));
  expect.soft(Object.keys(shown), 'no BIC for a CZK payment').not.toContain('BIC');
  await expect(pay.locator('figure.qr').getByRole('img', { name: 'Payment QR code' })).toBeVisible();
  await expect(pay.locator('figure.qr svg')).toHaveCount(1);
  await expect(pay.locator('figure.qr figcaption')).toContainText('QR Platba');
}

/** Charges by category with amounts from the database; their incl. VAT amounts add up to the total. */
async function expectCharges(page: Page, inv: Invoice, lang: Language) {
  const charges = chargesOf(inv.id);
  const money = (cents: number) => norm(formatMoney(cents, inv.currency, lang));
  const section = region(page, 'Charges');
  await expect(section.getByRole('heading', { level: 2 })).toHaveText('Charges');

  const present = CATEGORY_HEADINGS.filter(([cat]) => charges.some((c) => c.category === cat));
  expect(present.length, 'categories on the invoice').toBeGreaterThan(0);
  expect((await section.getByRole('heading', { level: 3 }).allTextContents()).map(norm)).toEqual(present.map(([, h]) => h));

  const tables = section.locator('table');
  await expect(tables).toHaveCount(present.length);
  let grossShown = 0;
  for (const [i, [category, heading]] of present.entries()) {
    const expected = charges
      .filter((c) => c.category === category)
      .map((c) => ({
        Item: c.description,
        Line: c.msisdn ? displayMsisdn(c.msisdn) : '',
        'Excl. VAT': money(c.net_cents),
        'VAT rate': norm(formatRate(c.vat_rate_bp, lang)),
        VAT: money(c.vat_cents),
        'Incl. VAT': money(c.net_cents + c.vat_cents),
      }));
    const rows = await tableRows(tables.nth(i));
    expect.soft(rows, `charges under "${heading}"`).toEqual(expected);
    grossShown += rows.reduce((sum, r) => sum + parseMoney(r['Incl. VAT'], inv.currency, lang), 0);
  }
  expect(grossShown, 'the incl. VAT amounts shown add up to the total').toBe(inv.total_cents);

  // VAT per rate, and the totals.
  const vat = region(page, 'VAT');
  const byRate = vatByRate(inv.id);
  expect(await tableRows(vat.locator('table'))).toEqual(
    byRate.map((r) => ({
      Rate: norm(formatRate(r.vat_rate_bp, lang)),
      Base: money(r.base),
      VAT: money(r.vat),
      'Incl. VAT': money(r.base + r.vat),
    })),
  );
  const totals = await definitions(vat);
  expect(totals['Total excl. VAT']).toBe(money(inv.net_cents));
  expect(totals['VAT']).toBe(money(inv.vat_cents));
  expect(totals['Total']).toBe(money(inv.total_cents));
  expect(byRate.reduce((s, r) => s + r.vat, 0), 'VAT per rate adds up to the invoice VAT').toBe(inv.vat_cents);
}

/** "Why is this bill different?": the changes the database explains, adding up to the difference. */
async function expectDifference(page: Page, inv: Invoice, lang: Language) {
  const previous = previousInvoice(inv);
  const section = region(page, 'Why is this bill different?');
  await expect(section.getByRole('heading', { level: 2 })).toHaveText('Why is this bill different?');
  if (!previous) {
    await expect(section).toContainText('first invoice');
    return;
  }
  await expect(section.getByRole('link', { name: previous.number, exact: true })).toHaveAttribute('href', `/invoices/${previous.number}`);

  const expected = expectedChanges(chargesOf(previous.id), chargesOf(inv.id));
  const table = section.locator('table');
  if (!expected.length) {
    // The same charges as last time: nothing to list, and the totals are equal.
    expect(inv.total_cents).toBe(previous.total_cents);
    await expect(table).toHaveCount(0);
    await expect(section).toContainText('this one is the same.');
    return;
  }
  const rows = await tableRows(table);
  const key = (r: Record<string, string>) => JSON.stringify(r);
  expect(rows.map(key).sort(), 'changes').toEqual(
    expected
      .map((c) => ({
        'What changed': c.label,
        Item: c.description,
        Line: c.line,
        'Effect incl. VAT': norm(formatSignedMoney(c.cents, inv.currency, lang)),
      }))
      .map(key)
      .sort(),
  );

  const difference = inv.total_cents - previous.total_cents;
  await expect(table.locator('tfoot th')).toHaveText('Difference');
  const differenceShown = parseMoney((await table.locator('tfoot td').last().textContent()) ?? '', inv.currency, lang);
  const sumShown = rows.reduce((s, r) => s + parseMoney(r['Effect incl. VAT'], inv.currency, lang), 0);
  expect(sumShown, 'the changes add up to the difference shown').toBe(differenceShown);
  expect(differenceShown, 'the difference is this total minus the previous total').toBe(difference);
  expect(norm(await table.locator('tfoot td').last().textContent())).toBe(norm(formatSignedMoney(difference, inv.currency, lang)));
}

/** The payments applied to the invoice. */
async function expectPayments(page: Page, inv: Invoice, lang: Language) {
  const payments = paymentsOfInvoice(inv.id);
  const section = region(page, 'Payments');
  if (!payments.length) {
    await expect(section).toHaveCount(0);
    return;
  }
  expect(await tableRows(section.locator('table'))).toEqual(
    payments.map((p) => ({
      Date: norm(formatDate(p.received_at, lang)),
      Method: METHOD_LABELS[p.method],
      Amount: norm(formatMoney(p.amount_cents, p.currency, lang)),
    })),
  );
  expect(payments.reduce((s, p) => s + p.amount_cents, 0), 'payments add up to what the invoice says was paid').toBe(inv.paid_cents);
}

async function expectInvoicePage(page: Page, inv: Invoice, lang: Language) {
  await expectFacts(page, inv, lang);
  await expectHowToPay(page, inv, lang);
  await expectCharges(page, inv, lang);
  await expectDifference(page, inv, lang);
  await expectPayments(page, inv, lang);
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const suffix = js ? '' : '-nojs';

    test('the newest invoice, opened from the list, shows the figures of the database', async ({ page }) => {
      const demo = customerByEmail(DEMO.private);
      const inv = newestInvoice(demo.id);
      expect(inv.status, 'the newest demo invoice is unpaid').toBe('open');

      await signIn(page, js, DEMO.private);
      await page.goto('/invoices');
      if (js) await hydrated(page);
      await region(page, 'To pay').getByRole('link', { name: inv.number, exact: true }).click();
      await expect(page).toHaveURL(`/invoices/${inv.number}`);
      if (js) await hydrated(page);
      await expectInvoicePage(page, inv, demo.language);
      await shot(page, `invoice-detail-desktop${suffix}`);
      await shotMobile(page, `invoice-detail-mobile${suffix}`);
    });

    test('a paid invoice lists its payment and has nothing left to pay', async ({ page }) => {
      const demo = customerByEmail(DEMO.private);
      const inv = previousInvoice(newestInvoice(demo.id))!;
      expect(inv.status).toBe('paid');

      await signIn(page, js, DEMO.private);
      await page.goto(`/invoices/${inv.number}`);
      await expectInvoicePage(page, inv, demo.language);
    });

    test("the business's partly paid invoice shows what was paid and what is left, overdue", async ({ page }) => {
      const business = customerByEmail(DEMO.business);
      const inv = openInvoices(business.id).find((i) => i.paid_cents > 0)!;
      expect(inv, 'a partly paid invoice in the seed').toBeTruthy();
      expect(invoiceState(inv)).toBe('Overdue');

      await signIn(page, js, DEMO.business);
      await page.goto(`/invoices/${inv.number}`);
      await expectInvoicePage(page, inv, business.language);
      const summary = await definitions(region(page, 'Summary'));
      expect(summary['Paid']).toBe(norm(formatMoney(inv.paid_cents, 'CZK', 'cs')));
      expect(summary['Left to pay']).toBe(norm(formatMoney(inv.total_cents - inv.paid_cents, 'CZK', 'cs')));
      await shot(page, `invoice-partly-paid-desktop${suffix}`);
    });
  });
}

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a bill that changed in several ways lists each change, and they add up to the difference', async ({ page }) => {
    // Which charges change from month to month depends on the generated usage (the seed is
    // not the same at every time of day), so the invoice is chosen from the database: the
    // newest of the two demo customers' with the most changes.
    const candidates = [DEMO.private, DEMO.business].flatMap((email) =>
      invoicesOf(customerByEmail(email).id).map((inv) => {
        const previous = previousInvoice(inv);
        const changes = previous ? expectedChanges(chargesOf(previous.id), chargesOf(inv.id)) : [];
        return { email, inv, changes };
      }),
    );
    const best = candidates.reduce((a, b) => (b.changes.length > a.changes.length ? b : a));
    expect(best.changes.length, 'an invoice with several changes in the seed').toBeGreaterThan(1);
    const customer = customerByEmail(best.email);

    await signIn(page, false, best.email);
    await page.goto(`/invoices/${best.inv.number}`);
    await expectDifference(page, best.inv, customer.language);
    await expectCharges(page, best.inv, customer.language);
    await shot(page, 'invoice-difference');
  });

  test("another customer's invoice and a made-up number are not found, as page and as PDF", async ({ page }) => {
    const demo = customerByEmail(DEMO.private);
    const own = newestInvoice(demo.id);
    const foreign = newestInvoice(customerByEmail(DEMO.business).id);
    await signIn(page, false, DEMO.private);

    // The customer's own invoice and PDF are there: the 404s below are not a missing route.
    expect((await page.request.get(`/invoices/${own.number}`)).status()).toBe(200);
    const ownPdf = await page.request.get(`/invoices/${own.number}/pdf`);
    expect(ownPdf.status()).toBe(200);
    expect(ownPdf.headers()['content-type']).toContain('application/pdf');

    for (const number of [foreign.number, '9999999999999']) {
      const response = await page.goto(`/invoices/${number}`);
      expect(response?.status(), `/invoices/${number}`).toBe(404);
      await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
      // Nothing of the other customer's invoice is shown.
      const text = await pageText(page);
      expect(text).not.toContain(norm(formatMoney(foreign.total_cents, foreign.currency, 'cs')));
      expect(text).not.toContain(foreign.payment_reference);

      const pdf = await page.request.get(`/invoices/${number}/pdf`);
      expect(pdf.status(), `/invoices/${number}/pdf`).toBe(404);
      expect(pdf.headers()['content-type'] ?? '').not.toContain('application/pdf');
    }
    await shot(page, 'invoice-not-found');
  });
});
