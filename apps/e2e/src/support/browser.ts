/** Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own). */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where the console test writes its screenshots (git-ignored, under dist/). */
export const SCREENSHOTS = path.resolve(__dirname, '../../../../dist/apps/e2e/console');

/**
 * Launches `/usr/bin/chromium` (or `CHROMIUM_PATH`) headless. A missing browser fails the test
 * with how to install it: the console's test is part of `npm test` and is never skipped.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: the console test drives a real browser. Install Debian's ` +
        '(sudo apt-get install -y --no-install-recommends chromium; .ci/run does it) or point CHROMIUM_PATH at one',
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Chromium refuses its sandbox as root (CI containers): only then without it.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath, headless: true, args, timeout: 75_000 });
}
