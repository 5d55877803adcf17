// Phone verification end to end, both ways, in two browser contexts: the customer takes a code
// at /verify, the agent finds the customer in the staff console and types it; the customer's
// page shows live who verified with the check phrase the agent's screen shows; five wrong codes
// lock; a supervisor opens without a code only with a reason; the customer's access log shows
// every access.
import { expect, test } from './support/fixtures';
import { customerByEmail, one } from './support/db';
import { displayMsisdn, norm } from './support/format';
import { DEMO, hydrated, shot, signIn } from './support/ui';
import { SUPERVISOR, openCustomer, phoneCode, staffPage, typeCode } from './support/staff';

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('the customer reads a code to the agent, and each sees who the other is', async ({ page, browser }) => {
      const c = customerByEmail(DEMO.private);
      const code = await phoneCode(page, js, DEMO.private);
      expect(code).toMatch(/^\d{3} \d{3}$/);

      const agent = await staffPage(browser, js);
      await openCustomer(agent, c.name);
      // Before verification: no overview.
      await expect(agent.getByRole('heading', { name: 'Overview' })).toHaveCount(0);
      await typeCode(agent, code);
      await expect(agent.locator('#notice')).toContainText('Verified.');
      const phrase = norm(await agent.locator('#staff-check-phrase').textContent());
      expect(phrase).toMatch(/^[a-z]+ [a-z]+$/);
      await expect(agent.getByRole('heading', { name: 'Overview' })).toBeVisible();
      await shot(agent, `staff-verified${js ? '' : '-nojs'}`);

      // The customer's page shows it: live with JavaScript, on reload without.
      if (!js) await page.goto('/verify');
      await expect(page.locator('#verified')).toContainText('Verified by Eva Agentová, Phone', { timeout: 8_000 });
      await expect(page.locator('#check-phrase')).toHaveText(phrase);
      await shot(page, `verify-by-agent${js ? '' : '-nojs'}`);

      // The agent turns roaming on for the customer's second line (off in the demo data); the
      // customer sees the request, made by staff on the phone.
      const tomas = one<{ id: number; msisdn: string }>(
        `SELECT id, msisdn FROM lines WHERE customer_id = ${c.id} ORDER BY msisdn LIMIT 1 OFFSET 1`,
      );
      const roamingBefore = one<{ roaming_on: number }>(`SELECT roaming_on FROM roaming_settings WHERE line_id = ${tomas.id}`);
      expect(roamingBefore.roaming_on).toBe(0);
      const lastRequest = one<{ id: number | null }>(`SELECT MAX(id) AS id FROM service_requests`).id ?? 0;
      // On the customer's services page in the console, as the customer would.
      await agent.getByRole('navigation', { name: 'Customer' }).getByRole('link', { name: 'Services', exact: true }).click();
      await agent.getByRole('link', { name: displayMsisdn(tomas.msisdn) }).click();
      if (js) await hydrated(agent);
      await agent.locator('#roaming').getByRole('button', { name: 'Turn roaming on', exact: true }).click();
      await expect(agent.locator('#roaming-notice')).toContainText('Roaming is on');
      expect(new URL(agent.url()).pathname).toBe(`/staff/customers/${c.id}/services`);
      expect(one<{ roaming_on: number }>(`SELECT roaming_on FROM roaming_settings WHERE line_id = ${tomas.id}`).roaming_on).toBe(1);
      const made = one<{ id: number; requested_by_kind: string; channel: string }>(
        `SELECT id, requested_by_kind, channel FROM service_requests WHERE id > ${lastRequest} AND line_id = ${tomas.id}`,
      );
      expect(made.requested_by_kind).toBe('staff');
      expect(made.channel).toBe('phone');
      await page.goto('/requests');
      const row = page.locator(`#request-${made.id}`);
      await expect(row.locator('td[data-label="Asked by"]')).toContainText('Eva Agentová (support staff)');
      await expect(row.locator('td[data-label="Asked by"]')).toContainText('Phone');
      await expect(row.locator('td[data-label="What"]')).toContainText('Roaming');

      await page.goto('/access-log');
      const whats = await page.locator('table.access-log tbody td[data-label="What"] strong').allTextContents();
      expect(whats).toContain('Verified with a code');
      expect(whats).toContain('Looked at the account');
      expect(whats).toContain('Changed roaming');
      await agent.context().close();
    });

    test('five wrong codes lock codes for the customer, and the customer is told', async ({ page, browser }) => {
      const c = customerByEmail(DEMO.private);
      const code = (await phoneCode(page, js, DEMO.private)).replace(' ', '');
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

      const agent = await staffPage(browser, js);
      await openCustomer(agent, c.name);
      for (let i = 0; i < 5; i++) await typeCode(agent, wrong);
      await expect(agent.locator('#notice')).toContainText('locked for 15 minutes');
      // Now even the right code is refused.
      await typeCode(agent, code);
      await expect(agent.locator('#notice')).toContainText('locked');
      await expect(agent.getByRole('heading', { name: 'Overview' })).toHaveCount(0);

      await page.goto('/verify');
      await expect(page.locator('#locked')).toContainText('Codes are locked until');
      await agent.context().close();
    });
  });
}

test('only a supervisor opens without a code, with a reason the customer reads', async ({ page, browser }) => {
  const c = customerByEmail(DEMO.private);
  const agent = await staffPage(browser, false);
  await openCustomer(agent, c.name);
  await expect(agent.getByText('Open without a code (supervisors)')).toHaveCount(0);
  // An agent posting the supervisor's form anyway is refused.
  const refused = await agent.request.post('/api/staff/open_customer', {
    form: { customer: String(c.id), channel: 'phone', reason: 'Trying to skip the code check' },
    headers: { Origin: new URL(agent.url()).origin },
  });
  expect(refused.status()).toBe(403);
  await agent.context().close();

  const supervisor = await staffPage(browser, false, SUPERVISOR);
  await openCustomer(supervisor, c.name);
  await supervisor.getByText('Open without a code (supervisors)').click();
  const reason = 'Customer in hospital; husband calling with power of attorney';
  await supervisor.getByLabel('Reason (the customer will read it)').fill(reason);
  await supervisor.getByRole('button', { name: 'Open with this reason' }).click();
  await expect(supervisor.locator('#notice')).toContainText('Opened without a code');
  await expect(supervisor.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await supervisor.context().close();

  await signIn(page, true, DEMO.private);
  await page.goto('/access-log');
  await expect(page.locator('table.access-log')).toContainText(reason);
});
