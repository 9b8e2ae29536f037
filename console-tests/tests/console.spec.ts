import fs from 'node:fs';
import { test, expect } from '@playwright/test';
import { backendUrl, cli, expectAccessible, signIn, signInLink } from './purse';

test('a fresh link signs in; a reused or expired one is refused', async ({ page, browser }) => {
  const link = signInLink();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Today' })).toBeVisible();
  await expect(page.getByText('Tea House').first()).toBeVisible();
  await expectAccessible(page);

  const other = await browser.newContext();
  const stranger = await other.newPage();
  const reused = await stranger.goto(link);
  expect(reused!.status()).toBe(403);
  await expect(stranger.getByText('used already')).toBeVisible();
  await expectAccessible(stranger);

  const short = signInLink(1);
  await new Promise((r) => setTimeout(r, 2_500));
  const expired = await stranger.goto(short);
  expect(expired!.status()).toBe(403);
  await expect(stranger.getByText('has expired')).toBeVisible();
  const inside = await stranger.goto(`${backendUrl}/console`);
  expect(inside!.status()).toBe(401);
  await other.close();
});

test('keyboard first: the skip link, then the console', async ({ page }) => {
  await signIn(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Today' })).toBeFocused();
});

test('an order is made, paid from a wallet, turns paid live, and is refunded in part', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Amount (CNY)').fill('12.34');
  await page.getByLabel('Description (optional)').fill('Green tea');
  await page.getByRole('button', { name: 'Create order' }).click();
  await expect(page).toHaveURL(/\/console\/orders\/ord_/);
  const state = page.locator('#order-state');
  await expect(state).toHaveText('Waiting for payment');
  await expect(page.locator('figure.code svg')).toBeVisible();
  await expectAccessible(page);

  // Paid from the payer's CLI wallet; the page turns without a reload.
  let navigations = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations += 1;
  });
  const orderId = page.url().split('/').pop()!;
  const order = cli('shop', 'merchant', 'show', orderId);
  cli('payer', 'pay', order.payload, '--yes');
  await expect(state).toHaveText('Paid', { timeout: 15_000 });
  expect(navigations).toBe(0);
  await page.reload();

  // Refund part, with a confirmation step; the payer sees it with the reason.
  await page.getByLabel(/^Amount \(CNY, at most/).fill('2.34');
  await page.getByLabel('Reason (the payer sees it)').fill('Cup was cold');
  await page.getByRole('button', { name: 'Review refund' }).click();
  await expect(page.getByRole('heading', { name: 'Refund 2.34 CNY?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Refund 2.34 CNY' }).click();
  await expect(page.getByRole('status')).toContainText('Refunded');
  await expect(state).toHaveText('Refunded');
  const history = cli('payer', 'history');
  const refund = history.data.find((t: any) => t.kind === 'refund');
  expect(refund.amount.minor).toBe(234);
  expect(refund.description).toContain('Cup was cold');

  // Today shows the sale and the refund.
  await page.getByRole('link', { name: 'Today' }).click();
  await expect(page.getByRole('cell', { name: '12.34 CNY' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '-2.34 CNY' })).toBeVisible();
  await expectAccessible(page);
  if (process.env.PURSE_CONSOLE_SCREENSHOT) {
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.screenshot({ path: process.env.PURSE_CONSOLE_SCREENSHOT, fullPage: true });
  }
});

test('the poster downloads with the shop name under the code', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Poster' }).click();
  await expect(page.getByRole('img', { name: /payment code/ })).toBeVisible();
  await expectAccessible(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the poster (SVG)' }).click();
  const svg = fs.readFileSync((await (await download).path())!, 'utf8');
  expect(svg).toContain('<svg');
  expect(svg).toContain('Tea House');
  const pngDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the poster (PNG)' }).click();
  const png = fs.readFileSync((await (await pngDownload).path())!);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  // Drawn from the SVG: taller than the code alone, for the name under it.
  expect(png.readUInt32BE(20)).toBeGreaterThan(png.readUInt32BE(16));
});

test('a forged form post without the CSRF token is refused and makes nothing', async ({ page }) => {
  await signIn(page);
  const before = cli('shop', 'merchant', 'orders').data.length;
  const forged = await page.request.post(`${backendUrl}/console/orders`, {
    form: { amount: '99.00', description: 'forged' },
  });
  expect(forged.status()).toBe(403);
  const wrong = await page.request.post(`${backendUrl}/console/orders`, {
    form: { csrf: 'forged', amount: '99.00' },
  });
  expect(wrong.status()).toBe(403);
  expect(cli('shop', 'merchant', 'orders').data.length).toBe(before);
});

test('the developers page: an inward address refused, a new secret shown once', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Developers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Developers' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Address (https; empty for none)').fill('https://10.0.0.1/hooks');
  await page.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByRole('alert')).toContainText('cannot take webhooks');
  await page.getByRole('button', { name: 'Make a new secret' }).click();
  const secret = page.locator('#new-secret');
  await expect(secret).toHaveText(/^whsec_/);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Developers' }).click();
  await expect(page.locator('#new-secret')).toHaveCount(0);
});

test('the till charges the code a customer shows, and follows their confirmation live', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Till' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Till' })).toBeVisible();
  await expectAccessible(page);
  const shown = cli('payer', 'paycode');
  await page.getByLabel('Amount (CNY)').fill('120.00');
  await page.getByLabel('Your reference (optional)').fill('Table 7');
  // A USB scanner types the code and presses Enter.
  await page.getByLabel("Customer's pay code (type it, or scan it)").pressSequentially(shown.digits);
  await page.keyboard.press('Enter');
  const state = page.locator('#charge-state');
  await expect(state).toContainText('Waiting for the customer');
  await expectAccessible(page);
  const waiting = cli('payer', 'paycode', 'waiting').data;
  expect(waiting).toHaveLength(1);
  expect(waiting[0].reference).toBe('Table 7');
  cli('payer', 'paycode', 'confirm', waiting[0].charge_id);
  await expect(state).toHaveText('Paid', { timeout: 15_000 });
});

test('a payout asked for in the console waits for the phone, then goes to the bank live', async ({ page }) => {
  cli('shop', 'topup', '--bank', 'DE89 3704 0044 0532 0130 00', '--holder', 'Tea House Ltd', '--amount', '50.00 CNY');
  await signIn(page);
  await page.getByRole('link', { name: 'Payouts' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Payouts' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Amount (CNY)').fill('20.00');
  await page.getByLabel('Bank account').selectOption({ label: 'Bank DE •••• 3000' });
  await page.getByRole('button', { name: 'Ask the phone to pay out' }).click();
  await expect(page).toHaveURL(/\/console\/payouts$/);
  const badge = page.locator('table .state').first();
  await expect(badge).toHaveText("Waiting for the shop's phone to confirm");
  await expectAccessible(page);

  // Nothing moved until the shop's device signs it.
  const waiting = cli('shop', 'payouts').data;
  expect(waiting).toHaveLength(1);
  expect(waiting[0].amount.minor).toBe(2000);
  const done = cli('shop', 'payouts', 'confirm', waiting[0].payout_id);
  expect(done.intent_id).toBe(waiting[0].payout_id);
  await expect(badge).toHaveText('Confirmed: on its way to the bank', { timeout: 15_000 });
});

test('a German browser reads the console in German, a Chinese one in Chinese', async ({ browser }) => {
  const german = await browser.newContext({ locale: 'de-DE' });
  const page = await german.newPage();
  await page.goto(signInLink());
  await expect(page.getByRole('heading', { level: 1, name: 'Heute' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByRole('link', { name: 'Bestellungen' }).click();
  await expect(page.getByLabel('Betrag (CNY)')).toHaveAttribute('placeholder', '12,34');
  await page.getByLabel('Betrag (CNY)').fill('1.234,5');
  await page.getByRole('button', { name: 'Bestellung anlegen' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('1.234,50 CNY');
  await expect(page.locator('#order-state')).toHaveText('Wartet auf Zahlung');
  await expectAccessible(page);
  await german.close();

  const chinese = await browser.newContext({ locale: 'zh-CN' });
  const other = await chinese.newPage();
  await other.goto(signInLink());
  await expect(other.getByRole('heading', { level: 1, name: '今日' })).toBeVisible();
  await expect(other.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await other.getByRole('link', { name: '提现' }).click();
  await expect(other.getByRole('heading', { level: 1, name: '提现' })).toBeVisible();
  await expectAccessible(other);
  await chinese.close();
});
