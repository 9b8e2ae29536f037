// Starts a real backend on loopback (a free port) with a throwaway store, a merchant "Tea
// House" and a payer with money, all through the `purse` CLI; stops and removes them after.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function globalSetup() {
  const purse = process.env.PURSE_BIN ?? path.resolve(__dirname, '../target/debug/purse');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'purse-console-'));
  const backend = spawn(
    purse,
    ['backend', '--listen', '127.0.0.1:0', '--db', path.join(work, 'backend.db')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the backend did not start')), 30_000);
    backend.stdout!.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    backend.on('exit', (code) => reject(new Error(`the backend exited (${code})`)));
  });
  const env = { ...process.env, PURSE_PASSPHRASE: 'console tests', PURSE_NO_KEYRING: '1' };
  const cli = (who: string, ...args: string[]) =>
    execFileSync(purse, ['--data-dir', path.join(work, who), '--backend', url, ...args], { env });
  cli('shop', 'init', '--name', 'Tea House Ltd');
  cli('shop', 'merchant', 'init', '--name', 'Tea House', '--city', 'Hangzhou');
  cli('payer', 'init', '--name', 'Ann');
  cli('payer', 'topup', '--card', '4242 4242 4242 4242', '--amount', '500.00 CNY');
  process.env.PURSE_CONSOLE = JSON.stringify({ url, work, purse });
  return async () => {
    backend.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  };
}
