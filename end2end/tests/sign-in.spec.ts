import { expect, test } from './support/fixtures';
import { customerByEmail, linesOf } from './support/db';
import { displayMsisdn } from './support/format';
import { DEMO, hydrated, shot, shotMobile, signIn, submitSignIn } from './support/ui';

for (const js of [true, false]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const suffix = js ? '' : '-nojs';

    test('the sign-in page asks for an email or phone number and a password and lists the demo sign-ins', async ({ page }) => {
      await page.goto('/login');
      if (js) await hydrated(page);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
      await expect(page.getByLabel('Email or phone number', { exact: true })).toBeEditable();
      await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
      await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();

      await expect(page.getByRole('heading', { name: 'Demo sign-ins' })).toBeVisible();
      for (const email of [DEMO.private, DEMO.prepaid, DEMO.business]) {
        await expect(page.getByText(email, { exact: true }).first()).toBeVisible();
      }
      await shotMobile(page, `login-mobile${suffix}`);
      await shot(page, `login-desktop${suffix}`);
    });

    test('a customer who signs in with their email lands on the overview with their name in the header', async ({ page }) => {
      const jana = customerByEmail(DEMO.private);
      await signIn(page, js, DEMO.private);
      expect(new URL(page.url()).pathname).toBe('/');
      await expect(page.getByRole('banner')).toContainText(jana.name);
      await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
    });

    test('a signed-out visitor is sent to sign in and then back to the page they asked for', async ({ page }) => {
      await page.goto('/');
      await expect(page).toHaveURL('/login?next=%2F');

      const jana = customerByEmail(DEMO.private);
      const second = linesOf(jana.id).find((l) => l.msisdn === '+420602654321');
      expect(second, "demo's second line +420602654321 is in the database").toBeTruthy();
      const asked = `/?line=${second!.id}`;
      await page.goto(asked);
      await expect(page).toHaveURL(/\/login\?next=/);
      const url = new URL(page.url());
      expect(url.pathname).toBe('/login');
      expect(url.searchParams.get('next')).toBe(asked);
      expect(url.search).toBe(`?next=${encodeURIComponent(asked)}`);

      await submitSignIn(page, js, DEMO.private, DEMO.password);
      await expect(page).toHaveURL(asked);
      await expect(page.getByRole('article')).toHaveCount(1);
      await expect(page.getByRole('article', { name: displayMsisdn(second!.msisdn), exact: true })).toBeVisible();
    });
  });
}

test('a customer can sign in with their phone number as people type it', async ({ page }) => {
  const jana = customerByEmail(DEMO.private);
  await signIn(page, true, '+420 601 123 456');
  await expect(page.getByRole('banner')).toContainText(jana.name);
});

test('a password manager or the clipboard can paste into the password field', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/login');
  await hydrated(page);
  await page.evaluate((password) => navigator.clipboard.writeText(password), DEMO.password);
  await page.getByLabel('Email or phone number', { exact: true }).fill(DEMO.private);
  const password = page.getByLabel('Password', { exact: true });
  await password.focus();
  await page.keyboard.press('ControlOrMeta+V');
  await expect(password).toHaveValue(DEMO.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
});
