// The low-credit warning: the threshold a customer sets at /credit (stored and audited once per
// change), and the overview's warnings — credit under that threshold, allowances with under
// 10 % left — each compared with what the database says. Tests set the threshold and the
// allowances they need in their own database (support/fixtures.ts).
import { Locator, Page, expect, test } from './support/fixtures';
import { auditCount } from './support/billing';
import {
  AllowanceUsage,
  ExpectedWarning,
  currentUsage,
  demoPrepaid,
  expectedWarnings,
  lowCreditThreshold,
  setLowCreditThreshold,
  setUsage,
} from './support/credit';
import { customerByEmail, linesOf } from './support/db';
import { displayMsisdn, formatMoney, norm } from './support/format';
import { DEMO, hydrated, shot, shotMobile, signIn } from './support/ui';

const HELP = 'Leave it empty to turn the warning off.';
const LABEL = 'Warn me when credit falls below (PLN)';

function lowCredit(page: Page): Locator {
  return page.getByRole('region', { name: 'Low-credit warning', exact: true });
}

/** The section says what is set (`cents`, or off) and offers it in the field, written `10,00`. */
async function expectThreshold(page: Page, cents: number | null) {
  const section = lowCredit(page);
  await expect(section.getByRole('heading', { level: 2 })).toHaveText('Low-credit warning');
  await expect(section.getByRole('paragraph').first()).toHaveText(
    cents === null
      ? 'The warning is off.'
      : norm(`The overview warns you when credit falls below ${formatMoney(cents, 'PLN', 'pl')}.`),
  );
  const field = section.getByLabel(LABEL, { exact: true });
  await expect(field).toHaveValue(cents === null ? '' : `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`);
  await expect(field).toHaveAccessibleDescription(HELP);
  await expect(section.getByRole('button', { name: 'Save warning', exact: true })).toBeVisible();
}

/** Saves `amount`; the form posts and the page comes back (with or without JavaScript). */
async function save(page: Page, js: boolean, amount: string) {
  await lowCredit(page).getByLabel(LABEL, { exact: true }).fill(amount);
  const back = page.waitForResponse(
    (r) => r.request().resourceType() === 'document' && new URL(r.url()).pathname === '/credit',
  );
  await lowCredit(page).getByRole('button', { name: 'Save warning', exact: true }).click();
  await back;
  await expect(page).toHaveURL(/\/credit#notice$/);
  if (js) await hydrated(page);
}

async function expectNotice(page: Page, role: 'status' | 'alert', message: string) {
  const notice = page.locator('main .notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toHaveAttribute('role', role);
  await expect(notice).toHaveText(norm(message));
}

function warnings(page: Page): Locator {
  return page.getByRole('status', { name: 'Warnings', exact: true });
}

/** The overview's warnings are exactly `expected`, each with its link; none at all when empty. */
async function expectWarnings(page: Page, expected: ExpectedWarning[]) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
  if (!expected.length) {
    await expect(warnings(page)).toHaveCount(0);
    return;
  }
  const box = warnings(page);
  await expect(box).toBeVisible();
  await expect(box).toHaveClass(/\bnotice\b/);
  await expect(box).toHaveClass(/\bwarn\b/);
  const items = box.getByRole('listitem');
  expect((await items.allTextContents()).map(norm)).toEqual(expected.map((w) => w.text));
  for (let i = 0; i < expected.length; i++) {
    const link = items.nth(i).getByRole('link');
    await expect(link).toHaveCount(1);
    await expect(link).toHaveText(expected[i].link.name);
    await expect(link).toHaveAttribute('href', expected[i].link.href);
  }
}

function prepaid() {
  const { customer, line } = demoPrepaid(DEMO.prepaid);
  return { customer, line, threshold: lowCreditThreshold(customer.id), audits: auditCount(customer.id, 'low_credit_threshold') };
}

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the threshold is saved, refused when not an amount, and turned off; each change stored and audited once', async ({ page }) => {
    const { customer, threshold, audits } = prepaid();
    expect(threshold, 'the seed threshold').toBe(1000);
    const stored = () => lowCreditThreshold(customer.id);
    const audited = () => auditCount(customer.id, 'low_credit_threshold');
    await signIn(page, false, DEMO.prepaid);
    await page.goto('/credit');
    await expectThreshold(page, 1000);

    await save(page, false, '200');
    await expectNotice(page, 'status', `You will be warned when credit falls below ${formatMoney(20_000, 'PLN', 'pl')}.`);
    await expectThreshold(page, 20_000);
    expect(stored()).toBe(20_000);
    expect(audited()).toBe(audits + 1);
    await shot(page, 'credit-warning-saved-nojs');

    // The same amount again: said, but not a change.
    await save(page, false, '200,00 zł');
    await expectNotice(page, 'status', `You will be warned when credit falls below ${formatMoney(20_000, 'PLN', 'pl')}.`);
    expect(stored()).toBe(20_000);
    expect(audited(), 'no audit entry for the same amount').toBe(audits + 1);

    for (const [amount, message] of [
      ['abc', 'Enter an amount such as 15 or 15,50, without a minus sign.'],
      ['-5', 'Enter an amount such as 15 or 15,50, without a minus sign.'],
      ['12,345', 'Enter an amount such as 15 or 15,50, without a minus sign.'],
      ['100001', 'Choose an amount up to 100 000.'],
    ]) {
      await save(page, false, amount);
      await expectNotice(page, 'alert', message);
      await expectThreshold(page, 20_000);
      expect(stored(), `after "${amount}"`).toBe(20_000);
      expect(audited(), `after "${amount}"`).toBe(audits + 1);
    }
    await shot(page, 'credit-warning-refused-nojs');

    await save(page, false, '');
    await expectNotice(page, 'status', 'The low-credit warning is off.');
    await expectThreshold(page, null);
    expect(stored()).toBeNull();
    expect(audited()).toBe(audits + 2);

    // Shown once.
    await page.reload();
    await expect(page.locator('main .notice')).toHaveCount(0);
  });

  test('allowances with under 10 % left are warned about with their figures; exactly 10 % left is not', async ({ page }) => {
    const { line } = prepaid();
    const usage = currentUsage(line.id);
    expect(usage, 'the prepaid line has a running allowance period').toBeDefined();
    const before = usage!;
    // The plan: 300 min, 300 SMS, 5 120 MB. Left: 10 min (3 %), 30 SMS (exactly 10 %), 100 MB.
    const low: AllowanceUsage = {
      ...before,
      call_seconds_used: 290 * 60 - 59, // a started minute counts: 290 minutes used
      sms_used: 270,
      data_kb_used: 5020 * 1024 - 1000, // a started MB counts: 5 020 MB used
    };
    setUsage(low);
    const expected = expectedWarnings(DEMO.prepaid);
    // The rules written out once more by hand, so the helper cannot be wrong alone.
    expect(expected.map((w) => w.text)).toEqual([
      'Minutes almost used up on +48 601 234 567: 10 of 300 min left. See the line',
      'Data almost used up on +48 601 234 567: 100 of 5 120 MB left. See the line',
    ]);
    await signIn(page, false, DEMO.prepaid);
    await expectWarnings(page, expected);
    // Thousands are grouped with a no-break space in Polish.
    expect(await warnings(page).getByRole('listitem').nth(1).textContent()).toContain('5\u00a0120 MB');
    await shot(page, 'overview-allowance-warnings-nojs');

    await warnings(page).getByRole('link', { name: 'See the line' }).first().click();
    await expect(page).toHaveURL(new RegExp(`/\\?line=${line.id}$`));
    await expect(page.getByRole('article', { name: line.display, exact: true })).toBeVisible();
    expect(currentUsage(line.id), 'showing the warnings changes no figure').toEqual(low);
  });

  test("a postpaid customer's nearly used-up SMS are warned about, and no credit warning without a prepaid line", async ({ page }) => {
    const demo = customerByEmail(DEMO.private);
    const line = linesOf(demo.id).find((l) => l.msisdn === '+420602654321')!;
    const usage = currentUsage(line.id);
    expect(usage).toBeDefined();
    const before = usage!;
    setUsage({ ...before, sms_used: 95 });
    const expected = expectedWarnings(DEMO.private);
    expect(expected.map((w) => w.text)).toContain(
      `SMS almost used up on ${displayMsisdn(line.msisdn)}: 5 of 100 SMS left. See the line`,
    );
    expect(expected.some((w) => w.text.startsWith('Low credit'))).toBe(false);
    await signIn(page, false, DEMO.private);
    await expectWarnings(page, expected);
  });
});

test.describe('With JavaScript', () => {
  test('the threshold form works the same once the page is hydrated', async ({ page }) => {
    const { customer, threshold, audits } = prepaid();
    await signIn(page, true, DEMO.prepaid);
    await page.goto('/credit');
    await hydrated(page);
    await expectThreshold(page, threshold);
    await save(page, true, '15,5');
    await expectNotice(page, 'status', `You will be warned when credit falls below ${formatMoney(1550, 'PLN', 'pl')}.`);
    await expectThreshold(page, 1550);
    expect(lowCreditThreshold(customer.id)).toBe(1550);
    expect(auditCount(customer.id, 'low_credit_threshold')).toBe(audits + 1);
    await save(page, true, 'abc');
    await expectNotice(page, 'alert', 'Enter an amount such as 15 or 15,50, without a minus sign.');
    expect(lowCreditThreshold(customer.id)).toBe(1550);
  });
});

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const suffix = js ? '' : '-nojs';

    test('the overview warns about low credit only when it is under the threshold, with a link to top up', async ({ page }) => {
      const { customer, line, threshold } = prepaid();
      // The seed: 37,50 zł of credit, warned below 10,00 zł — no credit warning.
      expect(line.credit_cents).toBe(3750);
      expect(threshold).toBe(1000);
      const atSeed = expectedWarnings(DEMO.prepaid);
      expect(atSeed.some((w) => w.text.startsWith('Low credit'))).toBe(false);
      await signIn(page, js, DEMO.prepaid);
      await expectWarnings(page, atSeed);

      // Credit equal to the threshold is not under it.
      setLowCreditThreshold(customer.id, line.credit_cents);
      await page.reload();
      await expectWarnings(page, expectedWarnings(DEMO.prepaid));
      expect(expectedWarnings(DEMO.prepaid)).toEqual(atSeed);

      setLowCreditThreshold(customer.id, 20_000);
      await page.reload();
      if (js) await hydrated(page);
      const expected = expectedWarnings(DEMO.prepaid);
      expect(expected[0].text).toBe(
        norm(`Low credit on +48 601 234 567: ${formatMoney(3750, 'PLN', 'pl')} left (you asked to be warned below ${formatMoney(20_000, 'PLN', 'pl')}). Top up`),
      );
      await expectWarnings(page, expected);
      await shot(page, `overview-low-credit${suffix}`);
      if (!js) await shotMobile(page, 'overview-low-credit-mobile-nojs');

      await warnings(page).getByRole('link', { name: 'Top up', exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/credit\\?line=${line.id}$`));
      await expect(page.getByRole('region', { name: line.display, exact: true }).getByLabel('Voucher code')).toBeVisible();
      await expectThreshold(page, 20_000);
    });
  });
}

test.describe("At a phone's width (390 px), without JavaScript", () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });

  test('a refused threshold says so where the customer is looking', async ({ page }) => {
    const { customer, threshold, audits } = prepaid();
    await signIn(page, false, DEMO.prepaid);
    await page.goto('/credit');
    await save(page, false, 'abc');
    await expectNotice(page, 'alert', 'Enter an amount such as 15 or 15,50, without a minus sign.');
    expect(lowCreditThreshold(customer.id)).toBe(threshold);
    expect(auditCount(customer.id, 'low_credit_threshold')).toBe(audits);
    await expect(page.locator('main .notice')).toBeInViewport({ timeout: 1_000 });
  });
});
