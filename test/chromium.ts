// Where the browser tests find Chromium: CHROMIUM_PATH, else Debian's
// /usr/bin/chromium (driven through playwright-core, never a downloaded browser).
// Under CI (CI set to anything but "" / "0" / "false") a missing Chromium is an
// error; elsewhere the browser tests are skipped with one line saying how to
// enable them, so `npm test` passes on a machine without a browser.
import { existsSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export type ChromiumLookup = { path: string } | { skip: string };

export function findChromium(env: Record<string, string | undefined> = process.env, exists: (path: string) => boolean = existsSync): ChromiumLookup {
  const path = env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (exists(path)) return { path };
  const why = `no Chromium at ${path}${env.CHROMIUM_PATH ? ' (CHROMIUM_PATH)' : ''}`;
  const howToEnable = "install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary";
  if (!['', '0', 'false'].includes(env.CI ?? '')) throw new Error(`the browser tests are mandatory under CI: ${why}; ${howToEnable}`);
  return { skip: `browser tests skipped: ${why}; to run them, ${howToEnable} (under CI=true they are mandatory)` };
}
