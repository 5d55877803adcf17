// The payment QR code ("QR Platba", SPAYD) read back from the page as a banking app would:
// a screenshot of the code, decoded, every field compared with the details printed beside it
// and with the database.
import { expect, Locator, Page, test } from './support/fixtures';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { DEMO_PAYEE, Invoice, leftToPay, openInvoices } from './support/billing';
import { customerByEmail } from './support/db';
import { compactDate, formatDate, norm, parseMoney } from './support/format';
import { DEMO, definitions, hydrated, signIn } from './support/ui';

/** Decodes the QR code drawn in `svg` from a screenshot of it. */
async function readQr(svg: Locator): Promise<string> {
  const png = PNG.sync.read(await svg.screenshot());
  const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
  const code = jsQR(pixels, png.width, png.height);
  if (!code) throw new Error('no QR code could be read from the screenshot');
  return code.data;
}

/** `SPD*1.0*KEY:value*...` → its version and fields, in order. */
function parseSpayd(payload: string): { header: string; fields: [string, string][] } {
  const [spd, version, ...rest] = payload.split('*');
  return {
    header: `${spd}*${version}`,
    fields: rest.map((part) => {
      const colon = part.indexOf(':');
      return [part.slice(0, colon), part.slice(colon + 1)];
    }),
  };
}

/** An amount as SPAYD writes it: a dot, two decimals, no grouping. */
function spaydAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Reads the box's QR code and checks every field against the box's text and the database. */
async function expectQrMatches(page: Page, inv: Invoice) {
  const box = page.getByRole('region', { name: `How to pay invoice ${inv.number}`, exact: true });
  await expect(box).toBeVisible();
  const shown = await definitions(box);
  const figure = box.locator('figure.qr');
  await expect(figure.getByRole('img', { name: 'Payment QR code' })).toBeVisible();
  await expect(figure.locator('figcaption')).toContainText('QR Platba');

  const payload = await readQr(figure.locator('svg'));
  const { header, fields } = parseSpayd(payload);
  expect(header, payload).toBe('SPD*1.0');
  expect(fields.map(([k]) => k), 'SPAYD fields, in order').toEqual(['ACC', 'AM', 'CC', 'DT', 'X-VS', 'MSG']);
  const f = Object.fromEntries(fields);

  const left = leftToPay(inv);
  // ACC: the IBAN printed in the box, without its spaces, and the operator's CZK account.
  expect(f['ACC']).toBe(shown['IBAN'].replace(/\s/g, ''));
  expect(f['ACC']).toBe(DEMO_PAYEE.CZK.iban.replace(/\s/g, ''));
  // AM: what is left to pay, as printed under "Amount".
  expect(f['AM']).toBe(spaydAmount(left));
  expect(parseMoney(shown['Amount'], 'CZK', 'cs')).toBe(left);
  expect(f['CC']).toBe('CZK');
  // DT: the due date, as printed under "Due by".
  expect(f['DT']).toBe(compactDate(inv.due_on));
  expect(shown['Due by']).toBe(norm(formatDate(inv.due_on, 'cs')));
  // X-VS: the invoice's payment reference, as printed under "Variable symbol".
  expect(f['X-VS']).toBe(inv.payment_reference);
  expect(shown['Variable symbol']).toBe(inv.payment_reference);
  expect(f['MSG']).toContain(inv.number);
  expect(f['MSG'].length, 'SPAYD messages are at most 60 characters').toBeLessThanOrEqual(60);
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('the QR code on the invoice page pays exactly what is left, to the account and reference shown', async ({ page }) => {
      const business = customerByEmail(DEMO.business);
      // The partly paid invoice: the amount in the code must be what is left, not the total.
      const inv = openInvoices(business.id).find((i) => i.paid_cents > 0)!;
      await signIn(page, js, DEMO.business);
      await page.goto(`/invoices/${inv.number}`);
      if (js) await hydrated(page);
      await expectQrMatches(page, inv);
    });

    test('the overview has a QR code for every unpaid invoice, overdue first', async ({ page }) => {
      for (const email of [DEMO.private, DEMO.business]) {
        const customer = customerByEmail(email);
        const open = openInvoices(customer.id);
        expect(open.length, `${email}: unpaid invoices in the seed`).toBeGreaterThan(0);
        await page.context().clearCookies();
        await signIn(page, js, email);
        const boxes = page.getByRole('region', { name: /^How to pay invoice \d+$/ });
        await expect(boxes).toHaveCount(open.length);
        const names = await boxes.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
        expect(names, 'in the order of their due dates').toEqual(open.map((i) => `How to pay invoice ${i.number}`));
        for (const inv of open) await expectQrMatches(page, inv);
      }
    });
  });
}
