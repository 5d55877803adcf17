// Shared steps: signing in, waiting for hydration, reading description lists, screenshots.
import { expect, Locator, Page } from '@playwright/test';
import path from 'node:path';
import { norm } from './format';

export const DEMO = {
  password: 'selfcare-demo',
  private: 'demo@example.com',
  prepaid: 'prepaid@example.com',
  business: 'business@example.com',
};

export const WRONG_SIGN_IN = 'The email, phone number or password is not right.';

const screenshots = path.join(__dirname, '..', '..', 'artifacts', 'screenshots');

/** Waits until the WASM has hydrated the page (the app marks `<body data-hydrated="true">`). */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 15_000 });
}

/** Fills and submits the sign-in form on the current page (already at /login). */
export async function submitSignIn(page: Page, js: boolean, identifier: string, password: string): Promise<void> {
  if (js) await hydrated(page);
  await page.getByLabel('Email or phone number', { exact: true }).fill(identifier);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in from /login and waits for the overview. */
export async function signIn(page: Page, js: boolean, identifier: string, password = DEMO.password): Promise<void> {
  await page.goto('/login');
  await submitSignIn(page, js, identifier, password);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  if (js) await hydrated(page);
  // Guards the "without JavaScript" variants: nothing may have run.
  else await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
}

/** The description of `term` in a `<dl>` inside `scope`. */
export function definition(scope: Locator, term: string): Locator {
  const exact = new RegExp(`^\\s*${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return scope.locator('dt').filter({ hasText: exact }).locator('xpath=following-sibling::dd[1]');
}

/** Every `<dt>` → `<dd>` text in `scope`, normalised. */
export async function definitions(scope: Locator): Promise<Record<string, string>> {
  const terms = await scope.locator('dt').allTextContents();
  const out: Record<string, string> = {};
  for (const t of terms) {
    out[norm(t)] = norm(await definition(scope, norm(t)).first().textContent());
  }
  return out;
}

/** The whole page's visible text, normalised. */
export async function pageText(page: Page): Promise<string> {
  return norm(await page.locator('body').innerText());
}

/** Saves a full-page screenshot to artifacts/screenshots/<name>.png at desktop width. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

/** The same at a phone's width (390 px); the viewport is put back afterwards. */
export async function shotMobile(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  if (before) await page.setViewportSize(before);
}

/**
 * The body rows of `table` as objects: column heading → cell text (normalised). Row headers
 * (`<th scope="row">`) count as cells of their column.
 */
export async function tableRows(table: Locator): Promise<Record<string, string>[]> {
  const raw = await table.evaluate((t) => {
    const heads = Array.from(t.querySelectorAll('thead tr:first-child > *')).map((c) => c.textContent ?? '');
    return Array.from(t.querySelectorAll(':scope > tbody > tr')).map((tr) =>
      Array.from(tr.children).map((c, i) => [heads[i] ?? `#${i}`, c.textContent ?? ''] as [string, string]),
    );
  });
  return raw.map((cells) => Object.fromEntries(cells.map(([k, v]) => [norm(k), norm(v)])));
}

/** The `href`s of the links in the body rows of `table`, row by row (the first link of each). */
export async function rowLinks(table: Locator): Promise<(string | null)[]> {
  return table.evaluate((t) =>
    Array.from(t.querySelectorAll(':scope > tbody > tr')).map((tr) => tr.querySelector('a')?.getAttribute('href') ?? null),
  );
}
