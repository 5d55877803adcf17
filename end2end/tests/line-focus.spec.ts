import { expect, test } from './support/fixtures';
import { customerByEmail, linesOf } from './support/db';
import { displayMsisdn } from './support/format';
import { DEMO, shot, signIn } from './support/ui';

function demoLines() {
  const lines = linesOf(customerByEmail(DEMO.private).id);
  expect(lines.length, 'demo lines in the seed').toBe(2);
  return lines.map((l) => ({ ...l, display: displayMsisdn(l.msisdn) }));
}

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the line links load the overview of that line alone, and "All lines" brings every line back', async ({ page }) => {
    const lines = demoLines();
    await signIn(page, false, DEMO.private);
    const nav = page.getByRole('navigation', { name: 'Line in focus' });
    await expect(nav.getByRole('link', { name: 'All lines', exact: true })).toBeVisible();
    for (const line of lines) {
      await expect(nav.getByRole('link', { name: line.display, exact: true })).toHaveAttribute('href', `/?line=${line.id}`);
    }

    const second = lines[1];
    await nav.getByRole('link', { name: second.display, exact: true }).click();
    await expect(page).toHaveURL(`/?line=${second.id}`);
    await expect(page.getByRole('article')).toHaveCount(1);
    await expect(page.getByRole('article', { name: second.display, exact: true })).toBeVisible();
    await expect(nav.getByRole('link', { name: second.display, exact: true })).toHaveAttribute('aria-current', 'true');
    await expect(nav.getByRole('link', { name: lines[0].display, exact: true })).not.toHaveAttribute('aria-current', 'true');
    await shot(page, 'line-focus-nojs');

    await nav.getByRole('link', { name: 'All lines', exact: true }).click();
    await expect(page.getByRole('article')).toHaveCount(lines.length);
    for (const line of lines) {
      await expect(page.getByRole('article', { name: line.display, exact: true })).toBeVisible();
    }
  });
});

test.describe('With JavaScript', () => {
  test('the line links show one line at a time without loading the page again', async ({ page }) => {
    const lines = demoLines();
    await signIn(page, true, DEMO.private);

    // A page load would lose this marker and make a document request.
    await page.evaluate(() => ((window as any).__selfcareMarker = 'still here'));
    const loads: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'document') loads.push(r.url());
    });

    const nav = page.getByRole('navigation', { name: 'Line in focus' });
    const second = lines[1];
    await nav.getByRole('link', { name: second.display, exact: true }).click();
    await expect(page.getByRole('article')).toHaveCount(1);
    await expect(page.getByRole('article', { name: second.display, exact: true })).toBeVisible();
    await shot(page, 'line-focus');

    await nav.getByRole('link', { name: lines[0].display, exact: true }).click();
    await expect(page.getByRole('article')).toHaveCount(1);
    await expect(page.getByRole('article', { name: lines[0].display, exact: true })).toBeVisible();

    await nav.getByRole('link', { name: 'All lines', exact: true }).click();
    await expect(page.getByRole('article')).toHaveCount(lines.length);

    expect(await page.evaluate(() => (window as any).__selfcareMarker)).toBe('still here');
    expect(loads, 'document requests while switching lines').toEqual([]);
  });
});
