import { expect, test } from './support/fixtures';
import { DEMO, shot, signIn } from './support/ui';

test('the health check answers 200', async ({ request }) => {
  const response = await request.get('/healthz');
  expect(response.status()).toBe(200);
});

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an unknown path answers 404 with a page that says so', async ({ page }) => {
    await signIn(page, false, DEMO.private);
    const response = await page.goto('/no-such-page/at-all');
    expect(response?.status()).toBe(404);
    await expect(page.getByText('Page not found')).toBeVisible();
    await shot(page, 'not-found');
  });
});
