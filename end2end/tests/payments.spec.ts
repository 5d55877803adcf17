// The payments page: what is owed (overdue first) and the payment history, compared with the
// database.
import { expect, Page, test } from './support/fixtures';
import { METHOD_LABELS, PaymentRow, expectedRow, invoiceState, leftToPay, openInvoices, paymentsOfCustomer } from './support/billing';
import { customerByEmail } from './support/db';
import { Language, formatDate, formatMoney, norm } from './support/format';
import { DEMO, definitions, hydrated, rowLinks, shot, shotMobile, signIn, tableRows } from './support/ui';

const PER_PAGE = 20;
const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

/** An RFC 3339 instant as microseconds since the epoch (the fraction kept exactly). */
function epochMicros(instant: string): bigint {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(instant);
  if (!m) throw new Error(`not an RFC 3339 instant: ${instant}`);
  return BigInt(Date.parse(m[1] + m[3])) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

function historyRows(payments: PaymentRow[], lang: Language) {
  return payments.map((p) => ({
    Date: norm(formatDate(p.received_at, lang)),
    Amount: norm(formatMoney(p.amount_cents, p.currency, lang)),
    Method: METHOD_LABELS[p.method],
    Invoice: p.invoice_number ?? '',
  }));
}

/** "What you owe" and the first page of the history, against the database. */
async function expectPayments(page: Page, email: string) {
  const customer = customerByEmail(email);
  const lang = customer.language;
  const money = (cents: number) => norm(formatMoney(cents, customer.currency, lang));
  const open = openInvoices(customer.id);
  const owed = open.reduce((s, i) => s + leftToPay(i), 0);
  const overdue = open.filter((i) => invoiceState(i) === 'Overdue').reduce((s, i) => s + leftToPay(i), 0);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payments');
  const owe = region(page, 'What you owe');
  await expect(owe.getByRole('heading', { name: 'What you owe' })).toBeVisible();
  if (owed === 0) {
    await expect(owe).toContainText('Nothing to pay');
  } else {
    const facts = await definitions(owe);
    expect(facts['Total owed'], 'Total owed').toBe(money(owed));
    if (overdue > 0) expect(facts['Overdue'], 'Overdue').toBe(money(overdue));
    else expect(Object.keys(facts), 'no "Overdue" when nothing is').not.toContain('Overdue');
    // The unpaid invoices, oldest due date (so overdue) first.
    const rows = await tableRows(owe.locator('table'));
    expect(rows.map((r) => [r.Invoice, r['Left to pay'], r.Status])).toEqual(
      open.map((i) => {
        const e = expectedRow(i, lang);
        return [i.number, norm(e.left), e.state];
      }),
    );
  }

  const all = paymentsOfCustomer(customer.id);
  const history = region(page, 'Payment history');
  if (!all.length) {
    await expect(history).toContainText('No payments yet.');
  } else {
    const shown = all.slice(0, PER_PAGE);
    expect(await tableRows(history.locator('table')), 'payment history').toEqual(historyRows(shown, lang));
    expect(await rowLinks(history.locator('table'))).toEqual(shown.map((p) => (p.invoice_number ? `/invoices/${p.invoice_number}` : null)));
  }
  await expect(history.getByRole('link', { name: 'Older payments' })).toHaveCount(all.length > PER_PAGE ? 1 : 0);
  return { customer, open, all };
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const suffix = js ? '' : '-nojs';

    test('the business customer sees what it owes, the overdue part, and every payment, newest first', async ({ page }) => {
      await signIn(page, js, DEMO.business);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments', exact: true }).click();
      await expect(page).toHaveURL(/\/payments$/);
      if (js) await hydrated(page);
      const { open, all } = await expectPayments(page, DEMO.business);
      expect(open.map((i) => invoiceState(i)), 'the seed: one overdue and one unpaid invoice').toEqual(['Overdue', 'Unpaid']);
      expect(all.length).toBeGreaterThan(1);
      await expect(region(page, 'What you owe').locator('tbody tr').first()).toContainText('Overdue');
      await shot(page, `payments-business-desktop${suffix}`);
      if (!js) await shotMobile(page, 'payments-business-mobile-nojs');

      // An invoice link opens that invoice.
      const paid = all[0];
      await region(page, 'Payment history').getByRole('link', { name: paid.invoice_number!, exact: true }).first().click();
      await expect(page).toHaveURL(`/invoices/${paid.invoice_number}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${paid.invoice_number}`);
    });

    test('the private customer owes her newest invoice, nothing overdue; the prepaid customer owes nothing', async ({ page }) => {
      await signIn(page, js, DEMO.private);
      await page.goto('/payments');
      const { open } = await expectPayments(page, DEMO.private);
      expect(open.length).toBe(1);

      await page.context().clearCookies();
      await signIn(page, js, DEMO.prepaid);
      await page.goto('/payments');
      const prepaid = await expectPayments(page, DEMO.prepaid);
      expect(prepaid.open.length).toBe(0);
    });
  });
}

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a page link of the history continues after the payment it names, and "Newest payments" goes back', async ({ page }) => {
    // No demo customer has more than 20 payments, so the next page is asked for by URL, with
    // the cursor the "Older payments" link writes: `<received_at in µs>_<id>` of the last row.
    const customer = customerByEmail(DEMO.business);
    const all = paymentsOfCustomer(customer.id);
    const last = all[3];
    const micros = epochMicros(last.received_at);
    await signIn(page, false, DEMO.business);
    await page.goto(`/payments?after=${micros}_${last.id}`);
    const history = region(page, 'Payment history');
    expect(await tableRows(history.locator('table'))).toEqual(historyRows(all.slice(4, 4 + PER_PAGE), customer.language));
    await history.getByRole('link', { name: 'Newest payments' }).click();
    await expect(page).toHaveURL(/\/payments$/);
    await expectPayments(page, DEMO.business);
  });
});
