// Roaming on the services page (`#roaming`): roaming and data roaming off and on, the
// data-roaming cap changed, refused, lifted and set back, the notice at 80 % and the stop at
// the cap with the choice to go on, each as plain forms without JavaScript and in place with
// it; the overview and /requests follow; a business changes a line other than its first; and
// another customer's line answers like a missing one. Every figure is compared with the
// database.
//
// Each test has its own database (support/fixtures.ts) and sets the line's settings it starts
// from there. What was spent is rating's figure: tests set it in the database.
import { Locator, Page, expect, test } from './support/fixtures';
import { auditCount } from './support/billing';
import { Customer, LineRow, customerByEmail, linesOf } from './support/db';
import { displayMsisdn, formatMoney, norm } from './support/format';
import {
  RoamingRow,
  defaultCapCents,
  lastRequestId,
  roamingOf,
  roamingRequestsSince,
  setRoaming,
  setSpent,
  spentOfCap,
} from './support/roaming';
import { DEMO, definition, hydrated, shot, shotMobile, signIn, tableRows } from './support/ui';

const MESSAGES = {
  roamingOffWithData: 'Roaming is off. Data roaming is off too: it needs roaming.',
  roamingOn: 'Roaming is on.',
  roamingOff: 'Roaming is off.',
  dataOn: 'Data roaming is on.',
  dataOff: 'Data roaming is off.',
  cap: (amount: string) => `The data-roaming cap is ${amount}.`,
  capZero: 'A cap must be above zero. To stop data roaming, turn it off instead.',
  capTooHigh: (max: string) => `A cap can be at most ${max}. For no limit at all, lift the cap.`,
  lifted: 'The data-roaming cap is lifted: data roaming is no longer limited.',
  sameCap: (amount: string) => `Nothing to change: the cap is already ${amount}.`,
  goOn: 'Data roaming goes on past the cap until the end of the billing period, charged at the roaming rates.',
  near: 'You have used 80 % of your data-roaming cap. At the cap, data roaming stops unless you choose to go on.',
  stopped: 'Data roaming has stopped: the cap for this billing period is spent.',
  continued: 'You chose to go on with data roaming past the cap for the rest of this billing period.',
};

interface Fixture {
  customer: Customer;
  line: LineRow;
  before: RoamingRow | null;
  requestsBefore: number;
  auditsBefore: number;
}

/** A customer's line (the `index`th by number), its settings and the last ids before the test. */
function fixture(email: string, index = 0): Fixture {
  const customer = customerByEmail(email);
  const line = linesOf(customer.id)[index];
  return {
    customer,
    line,
    before: roamingOf(line.id),
    requestsBefore: lastRequestId(),
    auditsBefore: auditCount(customer.id, 'roaming_change'),
  };
}

const money = (c: Customer, cents: number) => formatMoney(cents, c.currency, c.language);

function card(page: Page): Locator {
  return page.getByRole('region', { name: 'Roaming', exact: true });
}

async function openServices(page: Page, js: boolean, lineId: number): Promise<void> {
  const response = await page.goto(`/services?line=${lineId}`);
  expect(response?.status()).toBe(200);
  await expect(card(page).getByRole('heading', { level: 2, name: 'Roaming' })).toBeVisible();
  if (js) {
    await hydrated(page);
    // Survives only if nothing reloads the page.
    await page.evaluate(() => ((window as any).__sameDocument = true));
  }
}

/**
 * Presses a button of the card. Without JavaScript, waits for the redirect back to the card;
 * with it, checks afterwards (in `expectNotice`) that the page was not reloaded.
 */
async function press(page: Page, js: boolean, lineId: number | null, name: string): Promise<void> {
  const button = card(page).getByRole('button', { name, exact: true });
  await expect(button).toBeEnabled();
  if (js) {
    await button.click();
    return;
  }
  const back = page.waitForResponse(
    (r) => r.request().resourceType() === 'document' && new URL(r.url()).pathname === '/services',
  );
  await button.click();
  const document = await back;
  const post = document.request().redirectedFrom();
  expect(post?.method(), 'the form posted').toBe('POST');
  expect(new URL(post!.url()).pathname).toBe('/api/change_roaming');
  const target = lineId === null ? '/services#roaming' : `/services?line=${lineId}#roaming`;
  await expect(page).toHaveURL(new RegExp(`${target.replace(/[?]/g, '\\?')}$`));
}

/** The outcome shown once in `#roaming-notice`, as a success or as a refusal. */
async function expectNotice(page: Page, js: boolean, kind: 'ok' | 'error', message: string): Promise<void> {
  const notice = page.locator('#roaming-notice .notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toHaveText(norm(message));
  await expect(notice).toHaveClass(new RegExp(`\\b${kind}\\b`));
  await expect(page.locator('#roaming-notice')).toHaveAttribute('role', 'status');
  if (js) expect(await page.evaluate(() => (window as any).__sameDocument), 'no reload').toBe(true);
}

async function fact(page: Page, term: string): Promise<string> {
  return norm(await definition(card(page), term).textContent());
}

async function setCap(page: Page, js: boolean, f: Fixture, text: string): Promise<void> {
  await card(page).getByLabel(`Data-roaming cap in ${f.customer.currency}`).fill(text);
  await press(page, js, f.line.id, 'Set the cap');
}

/** The "What" column of /requests for the customer's newest requests. */
async function listedRequests(page: Page): Promise<string[]> {
  const response = await page.goto('/requests');
  expect(response?.status()).toBe(200);
  const rows = await tableRows(page.locator('table.requests'));
  return rows.map((r) => r['What']);
}

/** The line's article on the overview. */
async function overviewLine(page: Page, js: boolean, line: LineRow): Promise<Locator> {
  await page.goto('/');
  if (js) await hydrated(page);
  return page.getByRole('article', { name: displayMsisdn(line.msisdn), exact: true });
}

function warnings(page: Page): Locator {
  return page.locator('section[aria-label="Warnings"] li');
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('roaming and data roaming go off and on at once, data roaming with roaming, each a request', async ({ page }) => {
      const f = fixture(DEMO.private);
      // The demo customer's first line roams with data.
      setRoaming(f.line.id, { ...f.before!, roaming_on: 1, data_roaming_on: 1 });
      await signIn(page, js, DEMO.private);
      await openServices(page, js, f.line.id);
      expect(await fact(page, 'Roaming')).toBe('On');
      expect(await fact(page, 'Data roaming')).toBe('On');
      if (js) await shot(page, 'roaming-services');

      await press(page, js, f.line.id, 'Turn roaming off');
      await expectNotice(page, js, 'ok', MESSAGES.roamingOffWithData);
      expect(await fact(page, 'Roaming')).toBe('Off');
      expect(await fact(page, 'Data roaming')).toBe('Off');
      expect(roamingOf(f.line.id)).toMatchObject({ roaming_on: 0, data_roaming_on: 0 });
      await expect(card(page).getByRole('button', { name: 'Turn data roaming on', exact: true })).toBeDisabled();
      await expect(card(page).getByText('Data roaming needs roaming: turn roaming on first.')).toBeVisible();
      if (!js) {
        // Shown once: a reload no longer shows it.
        await page.reload();
        await expect(page.locator('#roaming-notice .notice')).toHaveCount(0);
      }

      await press(page, js, f.line.id, 'Turn roaming on');
      await expectNotice(page, js, 'ok', MESSAGES.roamingOn);
      expect(roamingOf(f.line.id)).toMatchObject({ roaming_on: 1, data_roaming_on: 0 });
      expect(await fact(page, 'Data roaming')).toBe('Off');

      await press(page, js, f.line.id, 'Turn data roaming on');
      await expectNotice(page, js, 'ok', MESSAGES.dataOn);
      expect(await fact(page, 'Data roaming')).toBe('On');
      expect(roamingOf(f.line.id)).toMatchObject({ roaming_on: 1, data_roaming_on: 1 });

      await press(page, js, f.line.id, 'Turn data roaming off');
      await expectNotice(page, js, 'ok', MESSAGES.dataOff);
      expect(roamingOf(f.line.id)).toMatchObject({ roaming_on: 1, data_roaming_on: 0 });

      const made = roamingRequestsSince(f.customer.id, f.requestsBefore);
      expect(made.map((r) => r.summary)).toEqual([
        'Roaming off, data roaming off',
        'Roaming on, data roaming off',
        'Roaming on, data roaming on',
        'Roaming on, data roaming off',
      ]);
      for (const r of made) {
        expect(r).toMatchObject({ line_id: f.line.id, status: 'done', channel: 'portal', requested_by_kind: 'customer' });
      }
      expect(auditCount(f.customer.id, 'roaming_change')).toBe(f.auditsBefore + 4);

      // The overview shows it at once; the requests page lists it, newest first.
      const article = await overviewLine(page, js, f.line);
      await expect(definition(article, 'Roaming')).toHaveText('On');
      await expect(definition(article, 'Data roaming')).toHaveText('Off');
      const listed = await listedRequests(page);
      expect(listed.slice(0, 4)).toEqual([
        'Roaming: Roaming on, data roaming off',
        'Roaming: Roaming on, data roaming on',
        'Roaming: Roaming on, data roaming off',
        'Roaming: Roaming off, data roaming off',
      ]);
    });

    test('the cap is changed, refused out of bounds, lifted and set back; the same cap changes nothing', async ({ page }) => {
      const f = fixture(DEMO.private);
      const c = f.customer;
      const def = defaultCapCents(c);
      setRoaming(f.line.id, {
        ...f.before!,
        roaming_on: 1,
        data_roaming_on: 1,
        data_cap_cents: def,
        data_spent_cents: 0,
        continue_past_cap: 0,
      });
      await signIn(page, js, DEMO.private);
      await openServices(page, js, f.line.id);
      expect(await fact(page, 'Data-roaming cap')).toBe(norm(`${money(c, def)} per billing period, excluding VAT`));
      expect(await fact(page, 'Spent this period')).toBe(norm(`${spentOfCap(c, 0, def)} (0 %)`));

      await setCap(page, js, f, '0');
      await expectNotice(page, js, 'error', MESSAGES.capZero);
      // The highest cap is a hundred defaults: in whole currency units, the default's cents.
      await setCap(page, js, f, String(def + 1));
      await expectNotice(page, js, 'error', MESSAGES.capTooHigh(money(c, def * 100)));
      expect(roamingOf(f.line.id)?.data_cap_cents).toBe(def);
      expect(roamingRequestsSince(c.id, f.requestsBefore)).toEqual([]);

      await setCap(page, js, f, '75');
      await expectNotice(page, js, 'ok', MESSAGES.cap(money(c, 7_500)));
      expect(await fact(page, 'Data-roaming cap')).toBe(norm(`${money(c, 7_500)} per billing period, excluding VAT`));
      expect(roamingOf(f.line.id)?.data_cap_cents).toBe(7_500);

      await press(page, js, f.line.id, 'Lift the cap');
      await expectNotice(page, js, 'ok', MESSAGES.lifted);
      expect(await fact(page, 'Data-roaming cap')).toBe('No cap');
      expect(await fact(page, 'Spent this period')).toBe(norm(`${money(c, 0)} spent, no cap`));
      expect(roamingOf(f.line.id)?.data_cap_cents).toBeNull();
      await expect(card(page).getByRole('button', { name: 'Lift the cap', exact: true })).toHaveCount(0);
      // The field offers the default cap to set again.
      const field = card(page).getByLabel(`Data-roaming cap in ${c.currency}`);
      expect(parseFloat((await field.inputValue()).replace(',', '.'))).toBe(def / 100);

      await setCap(page, js, f, String(def / 100));
      await expectNotice(page, js, 'ok', MESSAGES.cap(money(c, def)));
      expect(roamingOf(f.line.id)?.data_cap_cents).toBe(def);
      await setCap(page, js, f, String(def / 100));
      await expectNotice(page, js, 'ok', MESSAGES.sameCap(money(c, def)));

      expect(roamingRequestsSince(c.id, f.requestsBefore).map((r) => r.summary)).toEqual([
        `Data-roaming cap ${money(c, 7_500)}`,
        'Lift the data-roaming cap',
        `Data-roaming cap ${money(c, def)}`,
      ]);
      expect((await listedRequests(page)).slice(0, 3)).toEqual([
        `Roaming: Data-roaming cap ${norm(money(c, def))}`,
        'Roaming: Lift the data-roaming cap',
        `Roaming: Data-roaming cap ${norm(money(c, 7_500))}`,
      ]);
    });

    test('at 80 % a notice, at the cap data roaming stops, and going on past it is a choice; the overview follows', async ({ page }) => {
      const f = fixture(DEMO.private);
      const c = f.customer;
      const def = defaultCapCents(c);
      const near = (def * 4) / 5;
      const number = displayMsisdn(f.line.msisdn);
      setRoaming(f.line.id, {
        ...f.before!,
        roaming_on: 1,
        data_roaming_on: 1,
        data_cap_cents: def,
        data_spent_cents: near - 1,
        continue_past_cap: 0,
      });
      await signIn(page, js, DEMO.private);
      await openServices(page, js, f.line.id);
      await expect(page.locator('#roaming-cap-state')).toHaveCount(0);

      // Exactly 80 %.
      setSpent(f.line.id, near);
      await openServices(page, js, f.line.id);
      await expect(page.locator('#roaming-cap-state')).toHaveText(norm(MESSAGES.near));
      expect(await fact(page, 'Spent this period')).toBe(norm(`${spentOfCap(c, near, def)} (80 %)`));
      if (js) await shot(page, 'roaming-near-cap');
      let article = await overviewLine(page, js, f.line);
      await expect(definition(article, 'Data-roaming cap')).toHaveText(norm(`${spentOfCap(c, near, def)} (80 % reached)`));
      await expect(warnings(page).filter({ hasText: number })).toHaveText(
        norm(`Data roaming on ${number} has reached 80 % of its cap: ${spentOfCap(c, near, def)}. Roaming settings`),
      );

      // At the cap: stopped. The overview's warning leads to the card.
      setSpent(f.line.id, def);
      article = await overviewLine(page, js, f.line);
      await expect(definition(article, 'Data-roaming cap')).toHaveText(norm(`${spentOfCap(c, def, def)} (data roaming stopped)`));
      const warning = warnings(page).filter({ hasText: number });
      await expect(warning).toHaveText(
        norm(`Data roaming on ${number} has stopped at its cap: ${spentOfCap(c, def, def)}. Go on or change the cap`),
      );
      await warning.getByRole('link', { name: 'Go on or change the cap' }).click();
      await expect(page).toHaveURL(new RegExp(`/services\\?line=${f.line.id}#roaming$`));
      await openServices(page, js, f.line.id);
      expect(await fact(page, 'Data roaming')).toBe('On, stopped at the cap');
      await expect(page.locator('#roaming-cap-state p').first()).toHaveText(MESSAGES.stopped);
      if (js) {
        await shot(page, 'roaming-stopped');
        await card(page).screenshot({ path: 'artifacts/screenshots/roaming-card-stopped.png' });
      } else {
        await shotMobile(page, 'roaming-stopped-mobile');
      }

      await press(page, js, f.line.id, 'Go on with data roaming past the cap');
      await expectNotice(page, js, 'ok', MESSAGES.goOn);
      await expect(page.locator('#roaming-cap-state p').first()).toHaveText(MESSAGES.continued);
      expect(await fact(page, 'Data roaming')).toBe('On');
      expect(roamingOf(f.line.id)).toMatchObject({ continue_past_cap: 1, data_spent_cents: def });
      expect(roamingRequestsSince(c.id, f.requestsBefore).map((r) => r.summary)).toEqual([
        'Go on with data roaming past the cap',
      ]);

      article = await overviewLine(page, js, f.line);
      await expect(definition(article, 'Data-roaming cap')).toHaveText(norm(`${spentOfCap(c, def, def)} (going on past the cap)`));
      await expect(warnings(page).filter({ hasText: 'Data roaming on' })).toHaveCount(0);
      expect((await listedRequests(page))[0]).toBe('Roaming: Go on with data roaming past the cap');

      // A new cap stops at it again.
      await openServices(page, js, f.line.id);
      await setCap(page, js, f, String(def / 100));
      await expectNotice(
        page,
        js,
        'ok',
        `${MESSAGES.cap(money(c, def))} ${money(c, def)} is already spent this period, so data roaming stops until you choose to go on or raise the cap.`,
      );
      expect(roamingOf(f.line.id)?.continue_past_cap).toBe(0);
      expect(await fact(page, 'Data roaming')).toBe('On, stopped at the cap');
    });

    test('a business changes roaming on a line other than its first, and only there', async ({ page }) => {
      const f = fixture(DEMO.business, 2);
      const others = linesOf(f.customer.id).filter((l) => l.id !== f.line.id).map((l) => [l.id, roamingOf(l.id)] as const);
      await signIn(page, js, DEMO.business);
      await openServices(page, js, f.line.id);
      const on = (f.before?.roaming_on ?? 1) === 1;
      await press(page, js, f.line.id, on ? 'Turn roaming off' : 'Turn roaming on');
      const wasData = (f.before?.data_roaming_on ?? 0) === 1;
      await expectNotice(page, js, 'ok', on ? (wasData ? MESSAGES.roamingOffWithData : MESSAGES.roamingOff) : MESSAGES.roamingOn);
      expect(roamingOf(f.line.id)?.roaming_on).toBe(on ? 0 : 1);
      for (const [id, before] of others) expect(roamingOf(id), `line ${id} untouched`).toEqual(before);
      const made = roamingRequestsSince(f.customer.id, f.requestsBefore);
      expect(made).toHaveLength(1);
      expect(made[0].line_id).toBe(f.line.id);
    });

    test("another customer's line answers like a missing one, and nothing changes", async ({ page, baseURL }) => {
      const f = fixture(DEMO.private);
      const other = fixture(DEMO.business, 1);
      await signIn(page, js, DEMO.private);
      await openServices(page, js, f.line.id);
      // The own card's form, altered to name the other customer's line.
      await card(page)
        .locator('input[name="line"]')
        .evaluateAll((els, id) => els.forEach((el) => ((el as HTMLInputElement).value = id)), String(other.line.id));
      const name = (f.before?.roaming_on ?? 1) === 1 ? 'Turn roaming off' : 'Turn roaming on';
      await press(page, js, null, name);
      await expectNotice(page, js, 'error', 'Not found.');

      // Straight to the server function: the other customer's line and a line that is
      // nobody's answer alike.
      const answers: [number, string][] = [];
      for (const id of [other.line.id, 987654321]) {
        const post = await page.request.post('/api/change_roaming', {
          form: { line: String(id), change: 'roaming-off', key: `e2e-foreign-${id}-${js}` },
          headers: { Origin: baseURL!, Accept: 'application/json' },
        });
        answers.push([post.status(), await post.text()]);
      }
      expect(answers[0][0]).toBe(404);
      expect(answers[0]).toEqual(answers[1]);
      expect(roamingOf(other.line.id)).toEqual(other.before);
      expect(roamingOf(f.line.id)).toEqual(f.before);
      expect(roamingRequestsSince(f.customer.id, f.requestsBefore)).toEqual([]);
      expect(roamingRequestsSince(other.customer.id, f.requestsBefore)).toEqual([]);
    });
  });
}

test.describe("At a phone's width (390 px)", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the roaming card fits the screen and its controls are labelled', async ({ page }) => {
    const f = fixture(DEMO.private);
    await signIn(page, true, DEMO.private);
    await openServices(page, true, f.line.id);
    const box = await card(page).boundingBox();
    expect(box!.x + box!.width, 'right edge of the card').toBeLessThanOrEqual(390);
    const overflow = await card(page).evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow, 'nothing to scroll sideways in the card').toBeLessThanOrEqual(0);
    await expect(card(page).getByLabel(`Data-roaming cap in ${f.customer.currency}`)).toBeVisible();
    await card(page).scrollIntoViewIfNeeded();
    await card(page).screenshot({ path: 'artifacts/screenshots/roaming-card-mobile.png' });
    // Keyboard: the cap field takes focus and Enter submits it.
    const field = card(page).getByLabel(`Data-roaming cap in ${f.customer.currency}`);
    await field.focus();
    await field.fill('0');
    await field.press('Enter');
    await expectNotice(page, true, 'error', MESSAGES.capZero);
  });
});
