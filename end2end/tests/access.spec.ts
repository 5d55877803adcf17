import { expect, test } from './support/fixtures';
import { customerByEmail, linesOf } from './support/db';
import { displayMsisdn, norm } from './support/format';
import { DEMO, hydrated, pageText, shot, signIn } from './support/ui';

/** Every place `needle` occurs in `haystack`, with some text around it. */
function around(haystack: string, needle: string): string[] {
  const found: string[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
    found.push(haystack.slice(Math.max(0, i - 60), i + needle.length + 60));
  }
  return found;
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test("a customer who asks for another customer's line sees only their own lines", async ({ page }) => {
      const business = linesOf(customerByEmail(DEMO.business).id);
      expect(business.length).toBeGreaterThan(0);
      const other = business[0];
      const own = linesOf(customerByEmail(DEMO.private).id);
      const forms = [other.msisdn, other.msisdn.slice(1), displayMsisdn(other.msisdn), displayMsisdn(other.msisdn).slice(1)];

      await signIn(page, js, DEMO.private);
      const response = await page.goto(`/?line=${other.id}`);
      expect(response).not.toBeNull();
      const html = await response!.text();
      if (js) await hydrated(page);

      const text = await pageText(page);
      const dom = await page.content();
      for (const form of forms) {
        expect.soft(around(html, form), `served HTML holds ${form}`).toEqual([]);
        expect.soft(around(dom, form), `page holds ${form}`).toEqual([]);
        expect.soft(around(text, norm(form)), `page text holds ${form}`).toEqual([]);
      }
      await expect(page.getByText('That line is not on your account.')).toBeVisible();
      await expect(page.getByRole('article')).toHaveCount(own.length);
      for (const line of own) {
        await expect(page.getByRole('article', { name: displayMsisdn(line.msisdn), exact: true })).toBeVisible();
      }
      await shot(page, `foreign-line${js ? '' : '-nojs'}`);
    });
  });
}
