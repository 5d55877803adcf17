import { expect, test } from './support/fixtures';
import { ExpectedDashboard, expectedDashboard } from './support/db';
import { norm } from './support/format';
import { DEMO, definition, definitions, shot, shotMobile, signIn } from './support/ui';

const customers = [
  { who: 'a private postpaid customer', key: 'demo', email: DEMO.private, numbers: ['+420 601 123 456', '+420 602 654 321'] },
  { who: 'a prepaid customer', key: 'prepaid', email: DEMO.prepaid, numbers: ['+48 601 234 567'] },
  {
    who: 'a business customer',
    key: 'business',
    email: DEMO.business,
    numbers: ['+420 603 100 001', '+420 603 100 002', '+420 603 100 003', '+420 603 100 004', '+420 603 100 005'],
  },
];

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function expectOverview(page: import('@playwright/test').Page, expected: ExpectedDashboard) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
  await expect(page.getByRole('banner')).toContainText(expected.customer.name);

  const toPay = page.getByRole('region', { name: 'To pay', exact: true });
  // Soft, so the lines below are still checked when this section is missing.
  await expect.soft(toPay, 'the "To pay" section').toBeVisible();
  const toPayText = (await toPay.count()) ? norm(await toPay.textContent()) : '(no "To pay" section)';
  if (expected.totalDueCents > 0) {
    expect.soft(toPayText, 'To pay: total due').toMatch(new RegExp(`Total due.*${escape(norm(expected.totalDue))}`));
  } else {
    expect.soft(toPayText, 'To pay: nothing due').toContain('Nothing to pay');
  }
  if (expected.overdueCents > 0) {
    expect.soft(toPayText, 'To pay: overdue').toMatch(new RegExp(`Overdue.*${escape(norm(expected.overdue))}`));
  } else {
    expect.soft(toPayText, 'To pay: nothing overdue').not.toContain('Overdue');
  }

  await expect(page.getByRole('article')).toHaveCount(expected.lines.length);
  for (const line of expected.lines) {
    const article = page.getByRole('article', { name: line.display, exact: true });
    await expect(article, `article of ${line.display}`).toBeVisible();
    const shown = await definitions(article);
    for (const [term, value] of Object.entries(line.terms)) {
      expect.soft(shown[term], `${line.display}: ${term}`).toBe(norm(value));
    }
    for (const term of line.absent) {
      expect.soft(Object.keys(shown), `${line.display}: no "${term}"`).not.toContain(term);
    }
  }
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const suffix = js ? '' : '-nojs';

    for (const c of customers) {
      test(`the overview of ${c.who} shows exactly the figures in the database`, async ({ page }) => {
        const expected = expectedDashboard(c.email);
        // The demo data the contract promises; without it the figures below test less.
        expect(expected.lines.map((l) => l.display), 'lines in the seed').toEqual(c.numbers);

        await signIn(page, js, c.email);
        await expectOverview(page, expected);
        await shot(page, `dashboard-${c.key}-desktop${suffix}`);
        if (c.key === 'demo') await shotMobile(page, `dashboard-demo-mobile${suffix}`);
      });
    }
  });
}

test('the demo data has one unpaid invoice due in the future and a line with roaming off', async () => {
  const demo = expectedDashboard(DEMO.private);
  expect(demo.customer).toMatchObject({ name: 'Jana Nováková', language: 'cs', currency: 'CZK' });
  expect(demo.totalDueCents).toBeGreaterThan(0);
  expect(demo.overdueCents).toBe(0);
  expect(demo.lines.find((l) => l.msisdn === '+420602654321')?.terms['Roaming']).toBe('Off');
  const prepaid = expectedDashboard(DEMO.prepaid);
  expect(prepaid.customer).toMatchObject({ name: 'Piotr Kowalski', language: 'pl', currency: 'PLN' });
  expect(prepaid.lines[0].terms['Credit']).not.toBe(norm('0,00\u00a0zł'));
});

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('amounts and dates keep their no-break spaces so they never wrap', async ({ page }) => {
    const expected = expectedDashboard(DEMO.private);
    await signIn(page, false, DEMO.private);
    const toPay = page.getByRole('region', { name: 'To pay', exact: true });
    expect(await toPay.textContent()).toContain(expected.totalDue);
    const line = expected.lines.find((l) => l.terms['Due by'])!;
    const article = page.getByRole('article', { name: line.display, exact: true });
    expect((await definition(article, 'Amount due').textContent())?.trim()).toBe(line.terms['Amount due']);
    expect((await definition(article, 'Due by').textContent())?.trim()).toBe(line.terms['Due by']);
  });
});
