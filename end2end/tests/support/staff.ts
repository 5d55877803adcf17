// The staff console's steps: signing in as staff, finding and opening a customer, typing the
// code the customer reads out.
import { Browser, Page, expect } from '@playwright/test';
import { norm } from './format';
import { hydrated, signIn } from './ui';

export const AGENT = { email: 'agent@example.com', password: 'selfcare-agent' };
export const SUPERVISOR = { email: 'supervisor@example.com', password: 'selfcare-supervisor' };
export const ADMIN = { email: 'admin@example.com', password: 'selfcare-admin' };

/** A member of staff signed in at /staff/login, in a browser context of their own. */
export async function staffPage(browser: Browser, js: boolean, who = AGENT): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: js });
  const page = await context.newPage();
  await page.goto('/staff/login');
  if (js) await hydrated(page);
  await page.getByLabel('Work email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/staff$/);
  return page;
}

/** Finds the customer in the console by name and opens their page. */
export async function openCustomer(agent: Page, name: string): Promise<void> {
  await agent.getByLabel('Phone number, account number, email or name', { exact: true }).fill(name);
  await agent.getByRole('button', { name: 'Search', exact: true }).click();
  await agent.getByRole('link', { name, exact: true }).click();
  await expect(agent.getByRole('heading', { level: 1 })).toHaveText(name);
}

/** Types the code the customer reads out, on the phone. */
export async function typeCode(agent: Page, code: string): Promise<void> {
  await agent.locator('#verify').getByLabel('Phone', { exact: true }).check();
  await agent.getByLabel('Code the customer reads out').fill(code);
  await agent.getByRole('button', { name: 'Check the code' }).click();
  await expect(agent.locator('#notice')).toBeVisible();
}

/** The customer signs in and takes a code for the phone at /verify; answers it as shown. */
export async function phoneCode(page: Page, js: boolean, email: string): Promise<string> {
  await signIn(page, js, email);
  await page.goto('/verify');
  if (js) await hydrated(page);
  await page.getByLabel('Phone', { exact: true }).check();
  await page.getByRole('button', { name: 'Get a code' }).click();
  return norm(await page.locator('#code-digits').textContent());
}
