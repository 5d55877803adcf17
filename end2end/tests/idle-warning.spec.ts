import { Page, expect, test } from './support/fixtures';
import { DEMO, shot } from './support/ui';

/** Hydration starts from requestIdleCallback, which the fake clock holds until time passes. */
async function hydratedOnFakeClock(page: Page): Promise<void> {
  await expect(async () => {
    await page.clock.runFor(500);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 200 });
  }).toPass({ timeout: 15_000 });
}

// The page's clock is Playwright's, so half an hour passes in a moment; the server's is real.
test('the page warns before the idle timeout and one click keeps the customer signed in', async ({ page }) => {
  await page.clock.install();
  await page.goto('/login');
  await page.getByLabel('Email or phone number', { exact: true }).fill(DEMO.private);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await hydratedOnFakeClock(page);

  const warning = page.getByRole('alertdialog');
  await expect(warning).toBeHidden();
  await page.clock.runFor('27:00');
  await expect(warning).toBeHidden();
  await page.clock.runFor('01:30');
  await expect(warning).toContainText('You will be signed out in about 2 minutes');
  await shot(page, 'idle-warning');

  await page.getByRole('button', { name: 'Stay signed in', exact: true }).click();
  await expect(warning).toBeHidden();
  // Still signed in on the server: the overview loads without a detour through /login.
  await page.goto('/');
  await expect(page).toHaveURL(/\/$/);
});

test('the staff console warns before its idle timeout too, and keeps the staff session', async ({ page }) => {
  await page.clock.install();
  await page.goto('/staff/login');
  await page.getByLabel('Work email', { exact: true }).fill('agent@example.com');
  await page.getByLabel('Password', { exact: true }).fill('selfcare-agent');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Find a customer' })).toBeVisible();
  await hydratedOnFakeClock(page);

  const warning = page.getByRole('alertdialog');
  await expect(warning).toBeHidden();
  await page.clock.runFor('28:30');
  await expect(warning).toContainText('You will be signed out in about 2 minutes');
  await page.getByRole('button', { name: 'Stay signed in', exact: true }).click();
  await expect(warning).toBeHidden();
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff$/);
});
