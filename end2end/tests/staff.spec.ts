// The staff side at /staff/login and /staff: a member of staff signs in (with and without
// JavaScript), finds customers by phone number, name and email and sees only their names and
// lines, and signs out; a customer's session is sent away from /staff, and a staff session
// does not open the customer portal.
import { Page, expect, test } from './support/fixtures';
import { customerByEmail, linesOf, query } from './support/db';
import { displayMsisdn } from './support/format';
import { DEMO, hydrated, shot, shotMobile, signIn } from './support/ui';

const AGENT = { email: 'agent@example.com', password: 'selfcare-agent' };

/** Signs in at /staff/login and waits for the console. */
async function staffSignIn(page: Page, js: boolean, email = AGENT.email, password = AGENT.password): Promise<void> {
  await page.goto('/staff/login');
  if (js) await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff sign-in');
  await page.getByLabel('Work email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Find a customer' })).toBeVisible();
}

/** Searches from the console's form and waits for the answer. */
async function search(page: Page, js: boolean, text: string): Promise<void> {
  if (js) await hydrated(page);
  await page.getByLabel('Phone number, account number, email or name', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/\/staff\?q=/);
}

/** The customers listed, each as its name and line numbers. */
function results(page: Page) {
  return page.getByRole('region', { name: /customers?$/ });
}

for (const js of [true, false]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const suffix = js ? '' : '-nojs';

    test('an agent signs in, sees their name and role, finds a customer by a line number typed loosely and signs out', async ({ page }) => {
      const jana = customerByEmail(DEMO.private);
      const lines = linesOf(jana.id);
      await staffSignIn(page, js);
      const banner = page.getByRole('banner');
      await expect(banner).toContainText('Staff console');
      await expect(banner).toContainText('Eva Agentová');
      await expect(banner).toContainText('Agent');

      await search(page, js, '00420 602-654-321');
      const found = results(page);
      await expect(found.getByRole('heading')).toHaveText('1 customer');
      const link = found.getByRole('link', { name: jana.name, exact: true });
      await expect(link).toHaveAttribute('href', `/staff/customers/${jana.id}`);
      for (const line of lines) {
        await expect(found).toContainText(displayMsisdn(line.msisdn));
      }
      // Nothing before verification but the name and the lines.
      const text = await found.innerText();
      expect(text).not.toContain(DEMO.private);
      expect(text).not.toContain('Vinohradská');
      expect(text).not.toMatch(/Kč/);
      await shot(page, `staff-console${suffix}`);
      await shotMobile(page, `staff-console-mobile${suffix}`);

      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect(page).toHaveURL(/\/staff\/login$/);
      await page.goto('/staff');
      await expect(page).toHaveURL('/staff/login?next=%2Fstaff');
    });

    test('the console finds customers by name without diacritics and by email, and says when nobody matches', async ({ page }) => {
      const jana = customerByEmail(DEMO.private);
      await staffSignIn(page, js);

      await search(page, js, 'jana novakova');
      await expect(results(page).getByRole('link', { name: jana.name, exact: true })).toBeVisible();

      await search(page, js, 'Business@Example.com');
      const business = customerByEmail(DEMO.business);
      await expect(results(page).getByRole('heading')).toHaveText('1 customer');
      await expect(results(page).getByRole('link', { name: business.name, exact: true })).toBeVisible();
      await expect(results(page)).toContainText('+420 603 100 001');

      await search(page, js, 'nobody-at-all');
      await expect(page.getByRole('status')).toHaveText('No customer matches “nobody-at-all”.');
    });
  });
}

test('a wrong staff password is refused with a message, and the email is kept', async ({ page }) => {
  await page.goto('/staff/login');
  await hydrated(page);
  await page.getByLabel('Work email', { exact: true }).fill(AGENT.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is not right.');
  await expect(page.getByLabel('Work email', { exact: true })).toHaveValue(AGENT.email);
});

test('a supervisor signs in with their role in the header', async ({ page }) => {
  await staffSignIn(page, true, 'supervisor@example.com', 'selfcare-supervisor');
  await expect(page.getByRole('banner')).toContainText('Supervisor');
});

test("a customer's session is sent away from /staff to the staff sign-in", async ({ page }) => {
  await signIn(page, true, DEMO.private);
  await page.goto('/staff?q=jana');
  await expect(page).toHaveURL(/\/staff\/login\?next=/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff sign-in');
  // The search was never made.
  const searches = query(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'staff_search' AND json_extract(detail, '$.typed') = 'jana'`);
  expect(searches[0].n).toBe(0);
});

test('a staff session does not open the customer portal', async ({ page }) => {
  await staffSignIn(page, true);
  await page.goto('/');
  await expect(page).toHaveURL('/login?next=%2F');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
});
