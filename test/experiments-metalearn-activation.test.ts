// The metalearn-activation study (notebook `metalearn-activation-function`) in its
// --quick form: 30 outer steps through 101-step inner loops. The outer objective falls
// by more than 10 % (about 18 % measured), the learned function's test accuracy ends
// above every fixed activation's, and the first outer steps are the same on one worker
// in a shorter run as on two in the full one. Needs the build: `npm test` builds first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getStudy, resolveSettings, runStudy } from '../src/index.js';
import { metalearnActivationKind } from '../src/experiments/metalearn-activation-task.js';
import type { TaskRecord } from '../src/sweep/task.js';
import { expectFigure, removeRunDirs, runPreset } from './experiments-helpers.js';

afterAll(removeRunDirs);

const FIXED = ['relu', 'swish', 'elu', 'softplus', 'tanh', 'sigmoid'];

/** A record without its timing, for comparisons across runs. */
const untimed = ({ wall_s: _wall, ...rest }: TaskRecord) => rest;

describe('metalearn-activation', () => {
  it('--quick: the objective falls and the learned function beats every fixed activation; the same steps on 1 worker', async () => {
    const { summary, dir, failed, records } = await runPreset('metalearn-activation', { quick: true });
    expect(failed).toBe(0);
    const e = summary.effects;
    expect(e.objectiveDrop as number).toBeGreaterThan(0.1);
    for (const name of FIXED) expect(e.testAccuracyEnd as number, name).toBeGreaterThan(e[`testAccuracy.${name}`] as number);
    expect(e.beatsEveryBaseline).toBe(true);
    expectFigure(dir, 'metalearn-activation', ['outer step', 'outer objective', 'test accuracy (%)', 'learned f(x)', 'relu', 'sigmoid', 'piecewise']);

    // the first 3 outer steps and two baselines again, on one worker
    const study = getStudy('metalearn-activation');
    const out = mkdtempSync(join(tmpdir(), 'mnist1d-metalearn-activation-1w-'));
    try {
      const short = await runStudy(study, resolveSettings(study, { quick: true, set: ['outerSteps=3', 'baselines=relu,piecewise'] }), { outDir: out, workers: 1 });
      const meta = (rs: readonly TaskRecord[]) => rs.find((r) => r.kind === 'metalearn-activation') as TaskRecord & Record<string, number[]>;
      const [full, three] = [meta(records), meta(short.records)];
      for (const field of ['metaLoss', 'finalLoss', 'testAccuracy', 'gradNorm', 'samples']) expect(three[field], field).toEqual(full[field].slice(0, 3));
      for (const name of ['relu', 'piecewise']) {
        const pick = (rs: readonly TaskRecord[]) => untimed(rs.find((r) => r.kind === 'activation-baseline' && (r.config as { activation: string }).activation === name)!);
        expect(pick(short.records)).toEqual(pick(records));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a meta-loss over more losses than the inner loop has, naming the field', () => {
    const config = { ...getStudy('metalearn-activation').defaults, lastLosses: 400 };
    const { baselines: _b, dataset: _d, ...fields } = config as Record<string, unknown>;
    expect(() => metalearnActivationKind.parseConfig(fields, 'tasks[0].config')).toThrow('tasks[0].config.lastLosses must be at most innerSteps (301), got 400');
  });
});
