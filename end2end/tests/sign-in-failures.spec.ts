// Failed sign-ins: the message, what stays in the form, still signed out. Each counts against the
// per-address throttle (5 in 15 minutes), kept in the test's own database (support/fixtures.ts).
import { expect, test } from './support/fixtures';
import { DEMO, WRONG_SIGN_IN, shot, submitSignIn } from './support/ui';

async function expectRefused(page: import('@playwright/test').Page, typed: string) {
  await expect(page.getByRole('alert').filter({ hasText: WRONG_SIGN_IN })).toBeVisible();
  await expect(page.getByLabel('Email or phone number', { exact: true })).toHaveValue(typed);
  expect(new URL(page.url()).pathname).toBe('/login');
  // Still signed out.
  await page.goto('/');
  await expect(page).toHaveURL('/login?next=%2F');
}

test.describe('With JavaScript', () => {
  test('a wrong password is refused with a message and the email stays in the form', async ({ page }) => {
    await page.goto('/login');
    await submitSignIn(page, true, DEMO.private, 'not-the-password');
    await expect(page.getByRole('alert').filter({ hasText: WRONG_SIGN_IN })).toBeVisible();
    await shot(page, 'login-wrong-password');
    await expectRefused(page, DEMO.private);
  });

  test('an unknown user gets the same message as a wrong password', async ({ page }) => {
    await page.goto('/login');
    await submitSignIn(page, true, 'nobody-here@example.com', DEMO.password);
    await expectRefused(page, 'nobody-here@example.com');
  });
});

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a wrong password is refused with a message and the phone number stays as it was typed', async ({ page }) => {
    await page.goto('/login');
    await submitSignIn(page, false, '+420 601 123 456', 'not-the-password');
    await expect(page.getByRole('alert').filter({ hasText: WRONG_SIGN_IN })).toBeVisible();
    await shot(page, 'login-wrong-password-nojs');
    await expectRefused(page, '+420 601 123 456');
  });
});
