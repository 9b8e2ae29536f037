// The merchant console in Debian's Chromium (no browser download): `CHROMIUM` names the
// executable, `/usr/bin/chromium` by default. One worker: the tests share one backend.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  globalSetup: './setup.ts',
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    },
    locale: 'en-GB',
    trace: 'off',
  },
});
