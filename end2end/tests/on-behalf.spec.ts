// On the customer's behalf (issue 7, item 5): once the caller is verified, the agent opens the
// customer's own pages in the console — invoices and one invoice, payments, usage, credit,
// services, requests — reads the figures the customer would, and takes an add-on for them as
// the customer could. The change is recorded as a request by that agent on the phone; the
// customer sees it on /requests and every page the agent looked at in /access-log. Before
// verification the pages stay shut (another customer's too: server/tests/staff.rs).
import { Page, expect, test } from './support/fixtures';
import { addonByCode, requestsSince, servicesState } from './support/addons';
import { newestInvoice, paymentsOfCustomer } from './support/billing';
import { customerByEmail, one } from './support/db';
import { displayMsisdn, norm } from './support/format';
import { openCustomer, phoneCode, staffPage, typeCode } from './support/staff';
import { DEMO, hydrated, shot, shotMobile } from './support/ui';

/** The customer takes a phone code at /verify and the agent types it; answers the agent's page. */
async function verifiedAgent(page: Page, browser: import('@playwright/test').Browser, js: boolean, name: string): Promise<Page> {
  const code = await phoneCode(page, js, DEMO.private);
  const agent = await staffPage(browser, js);
  await openCustomer(agent, name);
  await typeCode(agent, code);
  await expect(agent.locator('#notice')).toContainText('Verified.');
  return agent;
}

function customerNav(agent: Page) {
  return agent.getByRole('navigation', { name: 'Customer' });
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('the agent reads the customer’s bills, payments and usage, and takes an add-on for them', async ({ page, browser }) => {
      const c = customerByEmail(DEMO.private);
      const state = servicesState(c.id);
      const home = `/staff/customers/${c.id}`;
      const agent = await verifiedAgent(page, browser, js, c.name);
      await expect(customerNav(agent).getByRole('link')).toHaveText(['Customer', 'Invoices', 'Payments', 'Usage', 'Credit', 'Services', 'Requests']);

      // Invoices: the customer's newest invoice, opened in the console, without the PDF.
      const invoice = newestInvoice(c.id);
      await customerNav(agent).getByRole('link', { name: 'Invoices', exact: true }).click();
      await expect(agent).toHaveURL(`${home}/invoices`);
      await expect(agent.getByRole('heading', { level: 1 })).toHaveText('Invoices');
      await expect(agent.locator('header.top.staff')).toContainText('Staff console');
      // Every page of the customer says whom it is about, and until when.
      await expect(agent.locator('.acting-for')).toHaveText(new RegExp(`^Acting for ${c.name} · Phone · access until \\d\\d:\\d\\d UTC$`));
      await expect(agent.locator('.acting-for').getByRole('link', { name: c.name })).toHaveAttribute('href', home);
      const link = agent.getByRole('link', { name: invoice.number, exact: true }).first();
      await expect(link).toHaveAttribute('href', `${home}/invoices/${invoice.number}`);
      await link.click();
      await expect(agent.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${invoice.number}`);
      await expect(agent.getByRole('link', { name: 'Download PDF' })).toHaveCount(0);
      if (!js) await shot(agent, 'staff-invoice-nojs');

      // Payments: the customer's, newest first.
      const payments = paymentsOfCustomer(c.id);
      await customerNav(agent).getByRole('link', { name: 'Payments', exact: true }).click();
      await expect(agent).toHaveURL(`${home}/payments`);
      await expect(agent.getByRole('heading', { level: 1 })).toHaveText('Payments');
      if (payments.length > 0 && payments[0].invoice_number) {
        await expect(agent.locator('main').getByRole('link', { name: payments[0].invoice_number }).first())
          .toHaveAttribute('href', `${home}/invoices/${payments[0].invoice_number}`);
      }

      // Usage: the first line's allowances, and no CSV export.
      const first = one<{ msisdn: string }>(
        `SELECT msisdn FROM lines WHERE customer_id = ${c.id} AND status <> 'terminated' ORDER BY msisdn LIMIT 1`,
      );
      await customerNav(agent).getByRole('link', { name: 'Usage', exact: true }).click();
      await expect(agent).toHaveURL(`${home}/usage`);
      await expect(agent.getByRole('heading', { level: 2, name: `Allowances of ${displayMsisdn(first.msisdn)}` })).toBeVisible();
      await expect(agent.getByRole('link', { name: 'Download CSV' })).toHaveCount(0);

      // Services: TV Go on the first line, previewed and confirmed as the customer would.
      const addon = addonByCode('cz-tv');
      const line = one<{ id: number }>(`SELECT id FROM lines WHERE customer_id = ${c.id} AND msisdn = '${first.msisdn}'`);
      await customerNav(agent).getByRole('link', { name: 'Services', exact: true }).click();
      await expect(agent).toHaveURL(`${home}/services`);
      if (js) await hydrated(agent);
      const take = agent.locator(`li.addon[data-addon="${addon.id}"]`).getByRole('link', { name: `Take ${addon.name}…` });
      await expect(take).toHaveAttribute('href', `${home}/services/change?line=${line.id}&activate=${addon.id}`);
      await take.click();
      const preview = js ? agent.locator('section#change') : agent.locator('main');
      if (!js) await expect(agent).toHaveURL(`${home}/services/change?line=${line.id}&activate=${addon.id}`);
      await preview.locator('form.confirm').getByRole('button', { name: `Confirm: take ${addon.name}`, exact: true }).click();
      if (!js) await expect(agent).toHaveURL(new RegExp(`${home}/services\\?line=${line.id}#notice$`));
      await expect(agent.locator('#notice')).toContainText(`Done: Take ${addon.name}`);
      await shot(agent, `staff-addon${js ? '' : '-nojs'}`);
      if (js) await shotMobile(agent, 'staff-addon-mobile');

      const made = requestsSince(line.id, state.lastRequest);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({ customer_id: c.id, addon_id: addon.id, status: 'done', requested_by_kind: 'staff', channel: 'phone' });
      await agent.locator('#notice').getByRole('link', { name: 'Follow the request' }).click();
      await expect(agent).toHaveURL(`${home}/requests#request-${made[0].id}`);
      await expect(agent.locator(`#request-${made[0].id} td[data-label="Asked by"]`)).toContainText('Eva Agentová (support staff)');

      // The customer sees the request made by staff, and what the agent looked at.
      await page.goto('/requests');
      const row = page.locator(`#request-${made[0].id}`);
      await expect(row.locator('td[data-label="Asked by"]')).toContainText('Eva Agentová (support staff)');
      await expect(row.locator('td[data-label="Asked by"]')).toContainText('Phone');
      await page.goto('/access-log');
      const looked = (await page.locator('table.access-log tbody tr').allInnerTexts()).map(norm).filter((t) => t.includes('Looked at the account'));
      for (const what of ['Invoices', `Invoice ${invoice.number}`, 'Payments', 'Usage', 'Services', 'Requests']) {
        expect(looked.some((t) => t.includes(what)), `looked at ${what}`).toBe(true);
      }
      await agent.context().close();
    });
  });
}

test('before verification the customer’s pages stay shut, and signed out they ask for the staff sign-in', async ({ browser }) => {
  const c = customerByEmail(DEMO.private);
  const agent = await staffPage(browser, false);
  for (const path of ['invoices', 'payments', 'usage', 'services', 'requests', `invoices/${newestInvoice(c.id).number}`]) {
    const res = await agent.goto(`/staff/customers/${c.id}/${path}`);
    expect(res?.status(), path).toBe(403);
    await expect(agent.getByRole('alert')).toContainText('Verify the caller first');
  }
  await expect(agent.getByRole('link', { name: 'Verify the caller' })).toHaveAttribute('href', `/staff/customers/${c.id}`);
  await shot(agent, 'staff-not-verified-nojs');
  // A server function asked to act for the customer answers the same.
  const res = await agent.request.post('/api/services', {
    headers: { Origin: new URL(agent.url()).origin },
    form: { acting_for: String(c.id) },
  });
  expect(res.status()).toBe(403);
  // Signed out of the console, the pages ask for the staff sign-in.
  await agent.context().clearCookies();
  await agent.goto(`/staff/customers/${c.id}/invoices`);
  await expect(agent).toHaveURL(/\/staff\/login\?next=/);
  await agent.context().close();
});
