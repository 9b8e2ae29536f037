// What the tests share: the backend's address, the CLI wallets, and the accessibility check.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

const { url, work, purse } = JSON.parse(process.env.PURSE_CONSOLE!);
export const backendUrl: string = url;

/** Runs the `purse` CLI as `who` (the shop or the payer) and parses its `--json` answer. */
export function cli(who: 'shop' | 'payer', ...args: string[]): any {
  const out = execFileSync(
    purse,
    ['--data-dir', path.join(work, who), '--backend', url, ...args, '--json'],
    { env: { ...process.env, PURSE_PASSPHRASE: 'console tests', PURSE_NO_KEYRING: '1' } },
  ).toString();
  return JSON.parse(out);
}

/** A fresh one-time sign-in link from the shop's device. */
export function signInLink(validFor = 120): string {
  return cli('shop', 'merchant', 'console', '--valid-for', String(validFor)).link;
}

export async function signIn(page: Page) {
  await page.goto(signInLink());
  await expect(page.getByRole('heading', { level: 1, name: 'Today' })).toBeVisible();
}

/** axe-core on the page as it stands: no serious or critical violation. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([]);
}
