import { expect, test } from './support/fixtures';
import { DEMO, shot, signIn } from './support/ui';

for (const js of [true, false]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('signing out returns to the sign-in page and the overview then asks to sign in again', async ({ page }) => {
      await signIn(page, js, DEMO.prepaid);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect(page).toHaveURL(/\/login(\?|$)/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
      await shot(page, `signed-out${js ? '' : '-nojs'}`);

      await page.goto('/');
      await expect(page).toHaveURL('/login?next=%2F');
    });
  });
}
