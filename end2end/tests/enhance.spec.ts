// The one island (app/src/components/enhance.rs) with JavaScript: a form is sent in place and
// the parts of the page it changes come back without a page load; its buttons are disabled
// while it is sent, so a double click posts once; the focus moves to the outcome; when the
// request fails, the form posts as it would without JavaScript; and /verify follows an agent's
// verification live, by polling, without reloading.
import { Page, expect, test } from './support/fixtures';
import { auditCount } from './support/billing';
import { demoPrepaid, historyRow, insertVoucher, ledgerOf } from './support/credit';
import { customerByEmail, execute, lit, one } from './support/db';
import { norm } from './support/format';
import { DEMO, hydrated, signIn, tableRows } from './support/ui';

const CODE = '7301 0000 0000 4110';

/** Marks the page and collects document loads: a page load would lose the one and add to the other. */
async function watchNoLoads(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(() => ((window as any).__marker = 'still here'));
  const loads: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'document') loads.push(r.url());
  });
  return async () => {
    expect(await page.evaluate(() => (window as any).__marker), 'the same page').toBe('still here');
    expect(loads, 'document requests').toEqual([]);
  };
}

function prepaid() {
  const { customer, line } = demoPrepaid(DEMO.prepaid);
  return { customer, line, audits: auditCount(customer.id, 'voucher_top_up') };
}

test('a top-up sent in place: the button waits for the answer, a double click posts once, the focus moves to the notice and the history follows', async ({ page }) => {
  const { customer, line, audits } = prepaid();
  insertVoucher(CODE, 2000, 'PLN');
  await signIn(page, true, DEMO.prepaid);
  await page.goto(`/credit?line=${line.id}`);
  await hydrated(page);
  const done = await watchNoLoads(page);
  // Hold the answer back a little, so the pending state can be seen.
  const posts: string[] = [];
  await page.route('**/api/redeem_voucher', async (route) => {
    posts.push(route.request().resourceType());
    await new Promise((resolve) => setTimeout(resolve, 700));
    await route.continue();
  });
  await page.getByLabel('Voucher code', { exact: true }).fill(CODE);
  const button = page.getByRole('button', { name: 'Top up', exact: true });
  await button.dblclick();
  await expect(button, 'disabled while the top-up is sent').toBeDisabled();
  const notice = page.locator('#notice');
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(notice).toBeFocused();
  await expect(page.getByRole('button', { name: 'Top up', exact: true })).toBeEnabled();
  expect(posts, 'one request, sent by fetch').toEqual(['fetch']);
  expect(auditCount(customer.id, 'voucher_top_up')).toBe(audits + 1);
  // The history came back with the page: it leads with the top-up.
  const rows = await tableRows(page.locator('#credit-history table'));
  expect(rows[0]).toEqual(historyRow(ledgerOf(line.id)[0], customer.currency, customer.language));
  expect(ledgerOf(line.id)[0]).toMatchObject({ kind: 'top_up', amount_cents: 2000 });
  await done();
});

test('when the request in place fails, the form posts as it does without JavaScript', async ({ page }) => {
  const { line } = prepaid();
  insertVoucher(CODE, 2000, 'PLN');
  await signIn(page, true, DEMO.prepaid);
  await page.goto(`/credit?line=${line.id}`);
  await hydrated(page);
  await page.route('**/api/redeem_voucher', (route) =>
    route.request().resourceType() === 'fetch' ? route.abort('connectionfailed') : route.continue(),
  );
  await page.getByLabel('Voucher code', { exact: true }).fill(CODE);
  await page.getByRole('button', { name: 'Top up', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/credit\\?line=${line.id}#notice$`));
  await expect(page.locator('#notice')).toHaveAttribute('role', 'status');
  expect(ledgerOf(line.id)[0]).toMatchObject({ kind: 'top_up', amount_cents: 2000 });
});

test('/verify: the code comes in place, counts down, and the agent’s verification appears without a reload', async ({ page }) => {
  const c = customerByEmail(DEMO.private);
  await signIn(page, true, DEMO.private);
  await page.goto('/verify');
  await hydrated(page);
  const done = await watchNoLoads(page);
  await page.getByRole('button', { name: 'Get a code' }).click();
  await expect(page.locator('#code-digits')).toHaveText(/^\d{3} \d{3}$/);
  await expect(page.locator('#code')).toBeFocused();
  const countdown = page.locator('.countdown');
  await expect(countdown).toHaveText(/^ ?[45]:\d\d left\.$/);
  const before = await countdown.textContent();
  await expect(countdown, 'the countdown ticks').not.toHaveText(before!, { timeout: 3_000 });
  await expect(page.locator('#verified')).toHaveCount(0);

  // What an agent's right code writes (see Db::verify_code).
  const agent = one<{ id: number; name: string }>(`SELECT id, name FROM staff_users WHERE email = 'agent@example.com'`);
  const now = new Date().toISOString().replace('Z', '+00:00');
  const later = new Date(Date.now() + 30 * 60_000).toISOString().replace('Z', '+00:00');
  execute(`UPDATE verification_codes SET used_at = ${lit(now)}, verified_by = ${agent.id}
             WHERE customer_id = ${c.id} AND used_at IS NULL AND revoked_at IS NULL;
           INSERT INTO staff_access (staff_id, customer_id, channel, via, check_phrase, opened_at, expires_at)
             VALUES (${agent.id}, ${c.id}, 'phone', 'code', 'quiet heron', ${lit(now)}, ${lit(later)});`);
  await expect(page.locator('#verified')).toContainText(`Verified by ${agent.name}, Phone`, { timeout: 8_000 });
  await expect(page.locator('#check-phrase')).toHaveText('quiet heron');
  // The code stays on screen; the page is the same one.
  expect(norm(await page.locator('#code-digits').textContent())).toMatch(/^\d{3} \d{3}$/);
  await done();
});
