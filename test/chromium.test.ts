// The browser tests' Chromium lookup: optional on a developer's machine, mandatory under CI.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, findChromium } from './chromium.js';

const nowhere = () => false;
const everywhere = () => true;

describe('finding Chromium for the browser tests', () => {
  it("uses Debian's /usr/bin/chromium, or CHROMIUM_PATH when set", () => {
    expect(findChromium({}, everywhere)).toEqual({ path: DEFAULT_CHROMIUM });
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, everywhere)).toEqual({ path: '/opt/chrome/chrome' });
  });

  it('skips the browser tests outside CI when no Chromium is found, saying how to enable them', () => {
    for (const CI of [undefined, '', '0', 'false']) {
      const lookup = findChromium({ CI }, nowhere);
      expect(lookup).toHaveProperty('skip');
      const line = (lookup as { skip: string }).skip;
      expect(line).not.toContain('\n');
      expect(line).toMatch(/no Chromium at \/usr\/bin\/chromium.*apt-get install chromium.*CHROMIUM_PATH/);
    }
    expect((findChromium({ CHROMIUM_PATH: '/nope' }, nowhere) as { skip: string }).skip).toMatch(/no Chromium at \/nope \(CHROMIUM_PATH\)/);
  });

  it('keeps the browser tests mandatory under CI', () => {
    for (const CI of ['true', '1']) {
      expect(() => findChromium({ CI }, nowhere)).toThrow(/mandatory under CI: no Chromium at \/usr\/bin\/chromium/);
    }
  });
});
