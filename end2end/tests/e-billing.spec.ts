// Paper or electronic invoices: the switch on the invoice list, without JavaScript (a form
// that posts and comes back) and with it (in place). Each real change is stored and audited
// once; asking again for what is already set changes nothing.
import { expect, Page, test } from './support/fixtures';
import { auditCount, paperInvoices } from './support/billing';
import { customerByEmail } from './support/db';
import { DEMO, hydrated, shot, signIn } from './support/ui';

const PAPER = 'You receive paper invoices by post.';
const ELECTRONIC = 'You receive invoices electronically only.';
const TO_ELECTRONIC = 'Switch to electronic invoices only';
const TO_PAPER = 'Also send paper invoices by post';

function billing(page: Page) {
  return page.getByRole('region', { name: 'Electronic billing', exact: true });
}

/** The section says `paper` (true: paper invoices) and offers the switch to the other. */
async function expectShows(page: Page, paper: boolean) {
  const section = billing(page);
  await expect(section.getByRole('heading', { name: 'Electronic billing' })).toBeVisible();
  await expect(section.getByText(paper ? PAPER : ELECTRONIC)).toBeVisible();
  await expect(section.getByText(paper ? ELECTRONIC : PAPER)).toHaveCount(0);
  await expect(section.getByRole('button', { name: paper ? TO_ELECTRONIC : TO_PAPER, exact: true })).toBeVisible();
  await expect(section.getByRole('button', { name: paper ? TO_PAPER : TO_ELECTRONIC, exact: true })).toHaveCount(0);
}

function switchButton(page: Page, paper: boolean) {
  return billing(page).getByRole('button', { name: paper ? TO_ELECTRONIC : TO_PAPER, exact: true });
}

/** The one billing account of a demo customer, and its setting now. */
function account(email: string) {
  const customer = customerByEmail(email);
  const accounts = paperInvoices(customer.id);
  expect(accounts.length, 'billing accounts').toBe(1);
  return { customer, paper: accounts[0].paper_invoices === 1 };
}

function stored(customerId: number): boolean {
  return paperInvoices(customerId)[0].paper_invoices === 1;
}

test('the demo data: paper invoices for the private customer, electronic only for the business', () => {
  expect(account(DEMO.private).paper).toBe(true);
  expect(account(DEMO.business).paper).toBe(false);
});

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the switch posts, comes back to the list with the new setting, stores it and audits it once', async ({ page }) => {
    const { customer, paper } = account(DEMO.private);
    const audits = auditCount(customer.id, 'paper_invoices');
    await signIn(page, false, DEMO.private);
    await page.goto('/invoices');
    await expectShows(page, paper);
    await shot(page, 'e-billing-before-nojs');

    await switchButton(page, paper).click();
    await expect(page).toHaveURL(/\/invoices(#electronic-billing)?$/);
    await expectShows(page, !paper);
    expect(stored(customer.id)).toBe(!paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 1);
    await shot(page, 'e-billing-after-nojs');

    // And back.
    await switchButton(page, !paper).click();
    await expectShows(page, paper);
    expect(stored(customer.id)).toBe(paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 2);
  });

  test('the same switch sent twice (a second tab, a resubmit) changes and audits it only once', async ({ page, context }) => {
    const { customer, paper } = account(DEMO.business);
    const audits = auditCount(customer.id, 'paper_invoices');
    await signIn(page, false, DEMO.business);
    await page.goto('/invoices');
    const stale = await context.newPage();
    await stale.goto('/invoices');
    await expectShows(stale, paper);

    await switchButton(page, paper).click();
    await expectShows(page, !paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 1);

    // The other tab still offers the switch already made: the same request again.
    await switchButton(stale, paper).click();
    await expectShows(stale, !paper);
    expect(stored(customer.id)).toBe(!paper);
    expect(auditCount(customer.id, 'paper_invoices'), 'no audit entry for a change that did not happen').toBe(audits + 1);

    // Switched back: a change again, stored and audited.
    await page.goto('/invoices');
    await switchButton(page, !paper).click();
    await expectShows(page, paper);
    expect(stored(customer.id)).toBe(paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 2);
  });
});

test.describe('With JavaScript', () => {
  test('the switch changes the text and the button in place, without loading the page, and stores it', async ({ page }) => {
    const { customer, paper } = account(DEMO.private);
    const audits = auditCount(customer.id, 'paper_invoices');
    await signIn(page, true, DEMO.private);
    await page.goto('/invoices');
    await hydrated(page);
    await expectShows(page, paper);

    // A page load would lose this marker and make a document request.
    await page.evaluate(() => ((window as any).__marker = 'still here'));
    const loads: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'document') loads.push(r.url());
    });
    const url = page.url();

    await switchButton(page, paper).click();
    await expectShows(page, !paper);
    await expect.poll(() => stored(customer.id)).toBe(!paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 1);
    await shot(page, 'e-billing-after');

    await switchButton(page, !paper).click();
    await expectShows(page, paper);
    await expect.poll(() => stored(customer.id)).toBe(paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 2);

    expect(page.url()).toBe(url);
    expect(await page.evaluate(() => (window as any).__marker)).toBe('still here');
    expect(loads, 'document requests while switching').toEqual([]);
  });

  test('a second tab that sends the switch already made shows the setting in force and audits nothing', async ({ page, context }) => {
    const { customer, paper } = account(DEMO.business);
    const audits = auditCount(customer.id, 'paper_invoices');
    await signIn(page, true, DEMO.business);
    await page.goto('/invoices');
    await hydrated(page);
    const stale = await context.newPage();
    await stale.goto('/invoices');
    await hydrated(stale);

    await switchButton(page, paper).click();
    await expectShows(page, !paper);
    await expect.poll(() => stored(customer.id)).toBe(!paper);

    await switchButton(stale, paper).click();
    await expectShows(stale, !paper);
    expect(stored(customer.id)).toBe(!paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 1);

    // Switched back from the first tab: a change again, stored and audited.
    await switchButton(page, !paper).click();
    await expectShows(page, paper);
    await expect.poll(() => stored(customer.id)).toBe(paper);
    expect(auditCount(customer.id, 'paper_invoices')).toBe(audits + 2);
  });
});
