// The customer's side of support verification at /verify and /access-log: a one-time code for
// a channel (its six digits, its expiry in words, and with JavaScript a countdown), a new code
// replacing the old one, the agent's verification and check phrase appearing (live with
// JavaScript, on reload without), the lock after wrong codes, and the access log. The agent's
// side (the staff console) is simulated here by writing what a verification writes.
import { Page, expect, test } from './support/fixtures';
import { customerByEmail, execute, lit, one, query } from './support/db';
import { norm } from './support/format';
import { DEMO, hydrated, shot, shotMobile, signIn } from './support/ui';

function stored(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + ' UTC';
}

function agent(): { id: number; name: string } {
  return one<{ id: number; name: string }>(`SELECT id, name FROM staff_users WHERE email = 'agent@example.com'`);
}

/** What a right code typed by the agent writes (see Db::verify_code). */
function agentVerifies(customerId: number, channel: string, phrase: string): number {
  const a = agent();
  const now = Date.now();
  execute(`UPDATE verification_codes SET used_at = ${lit(stored(now))}, verified_by = ${a.id}
             WHERE customer_id = ${customerId} AND channel = ${lit(channel)} AND used_at IS NULL AND revoked_at IS NULL;
           INSERT INTO staff_access (staff_id, customer_id, channel, via, check_phrase, opened_at, expires_at)
             VALUES (${a.id}, ${customerId}, ${lit(channel)}, 'code', ${lit(phrase)}, ${lit(stored(now))}, ${lit(stored(now + 30 * 60_000))});
           INSERT INTO audit_log (at, actor_kind, actor_id, customer_id, action, detail)
             VALUES (${lit(stored(now))}, 'staff', ${a.id}, ${customerId}, 'code_verified', '{"action":"code_verified","channel":"phone"}');`);
  return now;
}

async function getCode(page: Page, channel: string): Promise<{ code: string; expires: string }> {
  await page.getByLabel(channel, { exact: true }).check();
  await page.getByRole('button', { name: 'Get a code' }).click();
  const digits = page.locator('#code-digits');
  await expect(digits).toHaveText(/^\d{3} \d{3}$/);
  return { code: norm(await digits.textContent()), expires: norm(await page.locator('#code-expires').textContent()) };
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('a customer gets a code for the call, sees when it expires, and sees who verified it', async ({ page }) => {
      const c = customerByEmail(DEMO.private);
      await signIn(page, js, DEMO.private);
      await page.getByRole('link', { name: 'Verify a call' }).click();
      await expect(page).toHaveURL(/\/verify$/);
      if (js) await hydrated(page);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Verify a call or chat');
      const before = Date.now();
      const first = await getCode(page, 'Phone');
      if (!js) await expect(page).toHaveURL(/\/verify#code$/);
      // Stored as a hash only, for the phone channel, valid five minutes.
      const rows = query<{ channel: string; code_hash: string; expires_at: string }>(
        `SELECT channel, code_hash, expires_at FROM verification_codes WHERE customer_id = ${c.id}`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].channel).toBe('phone');
      expect(rows[0].code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0].code_hash).not.toContain(first.code.replace(' ', ''));
      const expiresMs = Date.parse(rows[0].expires_at);
      expect(expiresMs - before).toBeGreaterThan(4.9 * 60_000);
      expect(expiresMs - before).toBeLessThanOrEqual(5 * 60_000 + 5_000);
      expect(first.expires).toBe(clock(expiresMs));
      if (js) {
        const countdown = page.locator('.countdown');
        await expect(countdown).toHaveText(/^ ?[45]:\d\d left\.$/);
        const a = await countdown.textContent();
        await page.waitForTimeout(2_100);
        expect(await countdown.textContent(), 'the countdown ticks').not.toBe(a);
      }
      await shot(page, `verify-code${js ? '' : '-nojs'}`);

      // A new code for the same channel replaces the old one.
      if (!js) await page.goto('/verify');
      await getCode(page, 'Phone');
      const live = query(`SELECT id FROM verification_codes WHERE customer_id = ${c.id} AND revoked_at IS NULL`);
      expect(live).toHaveLength(1);

      // The agent verifies: the customer's page shows who, the channel, the time and the phrase.
      const phrase = js ? 'amber falcon' : 'cedar otter';
      const at = agentVerifies(c.id, 'phone', phrase);
      if (!js) await page.goto('/verify');
      const verified = page.locator('#verified');
      await expect(verified).toBeVisible({ timeout: 8_000 });
      await expect(verified).toContainText(`Verified by ${agent().name}, Phone, ${clock(at)}`);
      await expect(page.locator('#check-phrase')).toHaveText(phrase);
      await shot(page, `verify-verified${js ? '' : '-nojs'}`);
      await shotMobile(page, `verify-verified-mobile${js ? '' : '-nojs'}`);

      // The access log lists the codes and the verification, newest first.
      await page.getByRole('link', { name: 'Who accessed my account' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Who accessed my account');
      const whats = (await page.locator('table.access-log tbody td[data-label="What"] strong').allTextContents()).slice(0, 3);
      expect(whats).toEqual(['Verified with a code', 'Verification code issued', 'Verification code issued']);
      await expect(page.locator('table.access-log tbody tr').first().locator('td[data-label="Who"]')).toHaveText(
        `${agent().name} (support staff)`,
      );
    });

    test('the customer is told when codes are locked after five wrong ones', async ({ page }) => {
      const c = customerByEmail(DEMO.private);
      const a = agent();
      const now = Date.now();
      for (let i = 0; i < 5; i++) {
        execute(`INSERT INTO code_attempts (customer_id, staff_id, at, succeeded)
                 VALUES (${c.id}, ${a.id}, ${lit(stored(now - 60_000 + i * 1000))}, 0)`);
      }
      await signIn(page, js, DEMO.private);
      await page.goto('/verify');
      await expect(page.locator('#locked')).toContainText(`Codes are locked until ${clock(now - 60_000 + 15 * 60_000)}`);
    });
  });
}
