// The invoice PDF: downloaded from the invoice page, read back with pdftotext, and only for
// the signed-in owner.
import { expect, test } from './support/fixtures';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Invoice, leftToPay, newestInvoice, openInvoices } from './support/billing';
import { customerByEmail } from './support/db';
import { formatDate, formatMoney, norm } from './support/format';
import { DEMO, hydrated, signIn } from './support/ui';

const downloads = path.join(__dirname, '..', 'artifacts', 'downloads');

/** The text of a PDF, laid out as on the page, white space normalised (no-break spaces too). */
function pdfText(file: string): string {
  return norm(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
}

function expectPdfShows(text: string, inv: Invoice) {
  expect(text, 'invoice number').toContain(inv.number);
  expect(text, 'total').toContain(norm(formatMoney(inv.total_cents, inv.currency, 'cs')));
  expect(text, 'due date').toContain(norm(formatDate(inv.due_on, 'cs')));
  if (leftToPay(inv) > 0) {
    expect(text, 'variable symbol').toContain(inv.payment_reference);
    expect(text, 'left to pay').toContain(norm(formatMoney(leftToPay(inv), inv.currency, 'cs')));
  }
}

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js, acceptDownloads: true });

    test('"Download PDF" saves a PDF of the invoice with its number, total and due date', async ({ page }) => {
      const demo = customerByEmail(DEMO.private);
      const inv = newestInvoice(demo.id);
      await signIn(page, js, DEMO.private);
      await page.goto(`/invoices/${inv.number}`);
      if (js) await hydrated(page);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download PDF', exact: true }).click(),
      ]);
      expect(download.suggestedFilename(), 'the file is named as a PDF').toMatch(/\.pdf$/);
      fs.mkdirSync(downloads, { recursive: true });
      const file = path.join(downloads, `invoice-${inv.number}${js ? '' : '-nojs'}.pdf`);
      await download.saveAs(file);
      expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expectPdfShows(pdfText(file), inv);
    });
  });
}

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test("the business's partly paid invoice prints what is left to pay", async ({ page }) => {
    const business = customerByEmail(DEMO.business);
    const inv = openInvoices(business.id).find((i) => i.paid_cents > 0)!;
    await signIn(page, false, DEMO.business);
    const response = await page.request.get(`/invoices/${inv.number}/pdf`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/pdf');
    fs.mkdirSync(downloads, { recursive: true });
    const file = path.join(downloads, `invoice-${inv.number}.pdf`);
    fs.writeFileSync(file, await response.body());
    const text = pdfText(file);
    expectPdfShows(text, inv);
    expect(text).toContain(norm(formatMoney(inv.paid_cents, inv.currency, 'cs')));
    expect(text).toContain('Overdue');
  });
});

test('a signed-out request for an invoice PDF is sent to sign in and gets no PDF', async ({ request }) => {
  const inv = newestInvoice(customerByEmail(DEMO.private).id);
  const response = await request.get(`/invoices/${inv.number}/pdf`, { maxRedirects: 0 });
  expect(response.status(), 'a redirect').toBeGreaterThanOrEqual(300);
  expect(response.status()).toBeLessThan(400);
  expect(new URL(response.headers()['location'] ?? '', 'http://x').pathname).toBe('/login');
  expect(response.headers()['content-type'] ?? '').not.toContain('application/pdf');
  expect((await response.body()).subarray(0, 5).toString('latin1')).not.toBe('%PDF-');

  // Followed, it ends on the sign-in page.
  const followed = await request.get(`/invoices/${inv.number}/pdf`);
  expect(new URL(followed.url()).pathname).toBe('/login');
  expect(followed.headers()['content-type']).toContain('text/html');
});
