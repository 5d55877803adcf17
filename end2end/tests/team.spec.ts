// The support team at /staff/team, with and without JavaScript: an admin adds a member of
// staff, who signs in; the admin changes their role, disables them (their open session ends at
// once) and enables them again; a supervisor reviews an agent's latest work but changes
// nothing; an agent has no team page. Each member is a browser context of their own.
import { Page, expect, test } from './support/fixtures';
import { query } from './support/db';
import { ADMIN, AGENT, SUPERVISOR, staffPage } from './support/staff';
import { hydrated, shot, shotMobile, tableRows } from './support/ui';

/** Opens the team page from the staff header. */
async function openTeam(page: Page, js: boolean): Promise<void> {
  await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Team' }).click();
  await expect(page).toHaveURL(/\/staff\/team$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Team');
  if (js) await hydrated(page);
}

/** Submits a form by its button and waits for the notice it answers with. */
async function submit(page: Page, button: string, notice: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await expect(page.locator('#notice')).toContainText(notice);
}

for (const js of [true, false]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    const suffix = js ? '' : '-nojs';

    test('an admin adds a member of staff, changes their role, disables and enables them', async ({ browser }) => {
      const admin = await staffPage(browser, js, ADMIN);
      await openTeam(admin, js);
      const team = admin.locator('table.team');
      const before = await tableRows(team);
      expect(before.map((r) => r['Name'])).toEqual(expect.arrayContaining(['Eva Agentová', 'Tomáš Vedoucí', 'Alena Správcová']));

      // Bad input: told what to fix, nothing added.
      const [name, email] = js ? ['Petr Novák', 'petr.novak@example.com'] : ['Pavel Dvořák', 'pavel.dvorak@example.com'];
      await admin.getByLabel('Work email').fill(email);
      await admin.getByLabel('Name customers will see').fill(name);
      await admin.getByLabel('First password').fill('short');
      // The browser's own check stops a short password; the server's is shown without it.
      await admin.getByLabel('First password').evaluate((el) => el.removeAttribute('minlength'));
      await submit(admin, 'Add', 'The password must have at least 12 characters.');
      expect(query(`SELECT COUNT(*) AS n FROM staff_users WHERE email = '${email}'`)[0].n).toBe(0);

      await admin.getByLabel('Work email').fill(email);
      await admin.getByLabel('Name customers will see').fill(name);
      await admin.getByLabel('Role').selectOption('agent');
      await admin.getByLabel('First password').fill('a first password');
      await submit(admin, 'Add', `Added ${name} (${email}) as agent.`);
      const row = (await tableRows(team)).find((r) => r['Email'] === email);
      expect(row).toMatchObject({ Name: name, Role: 'Agent', Account: 'Active' });
      await shot(admin, `team${suffix}`);
      await shotMobile(admin, `team-mobile${suffix}`);

      // The new member signs in with the first password.
      const petr = await staffPage(browser, js, { email, password: 'a first password' });
      await expect(petr.getByRole('banner')).toContainText(name);
      await expect(petr.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Team' })).toHaveCount(0);

      // They change the first password for their own: the current one first, the new one twice.
      await petr.getByRole('banner').getByRole('link', { name: 'Password' }).click();
      await expect(petr.getByRole('heading', { level: 1 })).toHaveText('Change your password');
      if (js) await hydrated(petr);
      const change = async (current: string, next: string, again: string, says: string) => {
        await petr.getByLabel('Current password').fill(current);
        await petr.getByLabel('New password', { exact: true }).fill(next);
        await petr.getByLabel('New password again').fill(again);
        await submit(petr, 'Change the password', says);
      };
      await change('not my password', 'a second password', 'a second password', 'The current password is not right.');
      // A wrong current password counts as a failed sign-in of that member (one counter per
      // account, under its id).
      expect(
        query(
          `SELECT COUNT(*) AS n FROM login_attempts WHERE NOT succeeded
           AND identifier = 'staff:' || (SELECT id FROM staff_users WHERE email = '${email}')`,
        )[0].n,
      ).toBe(1);
      await change('a first password', 'a second password', 'a second passwordd', 'The new password and its repeat differ.');
      await change('a first password', 'a second password', 'a second password', 'Your password is changed. Your other sessions have ended.');
      await shot(petr, `staff-password${suffix}`);

      await admin.getByRole('link', { name, exact: true }).click();
      await expect(admin.getByRole('heading', { level: 1 })).toHaveText(name);
      if (js) await hydrated(admin);
      await admin.getByLabel('Role', { exact: true }).selectOption('supervisor');
      await submit(admin, 'Change the role', `${name} is now a supervisor.`);
      // Their open session has the new role at its next page.
      await petr.reload();
      await expect(petr.getByRole('banner')).toContainText('Supervisor');

      await submit(admin, 'Disable the account', `${name} is now disabled.`);
      await expect(admin.locator('.account-status')).toContainText('Disabled since');
      await petr.goto('/staff');
      await expect(petr).toHaveURL(/\/staff\/login/);
      await shot(admin, `team-member-disabled${suffix}`);

      await submit(admin, 'Enable the account', `${name} is now enabled.`);
      await expect(admin.locator('.account-status')).toHaveText('Active');
      // Enabled, they sign in again, with the password they chose.
      await petr.context().close();
      const again = await staffPage(browser, js, { email, password: 'a second password' });
      await expect(again.getByRole('banner')).toContainText(name);
      await again.context().close();
      const audit = query(
        `SELECT action FROM audit_log WHERE action IN ('staff_add', 'staff_role', 'staff_disable', 'staff_enable')
         AND detail LIKE '%${email}%' ORDER BY id`,
      ).map((r) => r.action);
      expect(audit).toEqual(['staff_add', 'staff_role', 'staff_disable', 'staff_enable']);

      // An admin's own page has nothing to change.
      await admin.goto('/staff/team');
      await admin.getByRole('link', { name: 'Alena Správcová', exact: true }).click();
      await expect(admin.getByText('This is you: another admin changes your account.')).toBeVisible();
      await expect(admin.getByRole('button', { name: 'Disable the account' })).toHaveCount(0);
      await admin.context().close();
    });

    test("a supervisor reviews an agent's latest work and changes nothing", async ({ browser }) => {
      const agent = await staffPage(browser, js, AGENT);
      const typed = `Novákov${suffix ? 'a' : 'á'}`;
      await agent.getByLabel('Phone number, account number, email or name', { exact: true }).fill(typed);
      await agent.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(agent).toHaveURL(/\/staff\?q=/);
      await expect(agent.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Team' })).toHaveCount(0);

      const supervisor = await staffPage(browser, js, SUPERVISOR);
      await openTeam(supervisor, js);
      await expect(supervisor.getByRole('heading', { name: 'Add a member of staff' })).toHaveCount(0);
      await supervisor.getByRole('link', { name: 'Eva Agentová', exact: true }).click();
      await expect(supervisor.getByRole('heading', { level: 1 })).toHaveText('Eva Agentová');
      const work = await tableRows(supervisor.locator('table.activity'));
      expect(work[0]).toMatchObject({ What: 'Searched for a customer', Detail: typed });
      await expect(supervisor.getByRole('button', { name: /Disable|Change the role/ })).toHaveCount(0);
      await shot(supervisor, `team-member-work${suffix}`);

      // The supervisor's look at the agent's work is itself on the record.
      const looked = JSON.parse(query(
        `SELECT detail FROM audit_log WHERE action = 'staff_review' ORDER BY id DESC LIMIT 1`,
      )[0].detail);
      expect(looked).toEqual({ action: 'staff_review', name: 'Eva Agentová', email: 'agent@example.com' });
      for (const page of [agent, supervisor]) await page.context().close();
    });
  });
}

test('an agent who opens the team page is told their role does not allow it', async ({ browser }) => {
  const agent = await staffPage(browser, false, AGENT);
  const res = await agent.goto('/staff/team');
  expect(res?.status()).toBe(403);
  await expect(agent.getByText('Your role does not allow this.')).toBeVisible();
  await agent.context().close();
});

