// The registry of the paper's studies, by the name `mnist1d run <study>` takes.
import { ConfigError } from '../schema.js';
import { doubleDescent } from './double-descent.js';
import { lottery } from './lottery.js';
import { metalearnActivation } from './metalearn-activation.js';
import { metalearnLr } from './metalearn-lr.js';
import { pooling } from './pooling.js';
import { spatialPriors } from './spatial-priors.js';
import type { AnyStudy } from './study.js';

export const studies: readonly AnyStudy[] = [spatialPriors, doubleDescent, pooling, lottery, metalearnLr, metalearnActivation];

export function getStudy(name: string): AnyStudy {
  const study = studies.find((s) => s.name === name);
  if (!study) throw new ConfigError(`study must be one of ${studies.map((s) => s.name).join(', ')}, got ${JSON.stringify(name)}`, 'study');
  return study;
}

export type { AnyStudy, Study, StudySummary, Effects } from './study.js';
export { resolveSettings, settingKeys, parseSetValue } from './settings.js';
