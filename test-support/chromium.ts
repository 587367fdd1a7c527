/**
 * Debian's Chromium for the browser tests (npm's browsers cannot be downloaded
 * here), launched with one set of flags: headless as root needs --no-sandbox,
 * and without the background-networking flags Chromium keeps dialling Google
 * hosts this machine's closed network refuses.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** True when the browser tests can run (`.ci/run` installs it with apt). */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Launches headless Chromium; the caller closes it. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, ...options });
}
