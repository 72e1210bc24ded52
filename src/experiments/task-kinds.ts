// The registry of task kinds every executor of this package is built with: the
// Node and browser worker entries (workers/*.ts), the in-process executor, and the
// coordinator that validates and keys a sweep's tasks. To add a kind, write its
// TaskKind (src/sweep/task-kind.ts) and add one line below.
import { crashTestKind } from '../sweep/kinds/crash-test.js';
import type { TaskKinds } from '../sweep/task-kind.js';
import { lotteryChainKind } from './lottery-chain.js';
import { activationBaselineKind, metalearnActivationKind } from './metalearn-activation-task.js';
import { metalearnLrKind } from './metalearn-lr-task.js';
import { trainKind } from './train-kind.js';

export const taskKinds: TaskKinds = {
  kinds: { train: trainKind, 'lottery-chain': lotteryChainKind, 'metalearn-lr': metalearnLrKind,
    'metalearn-activation': metalearnActivationKind, 'activation-baseline': activationBaselineKind },
  plain: 'train',
};

/**
 * taskKinds plus the test-only 'crash-test' kind (sweep/kinds/crash-test.ts). `exit`
 * ends the hosting worker: the worker entries pass it; a coordinator and the
 * in-process executor leave it out.
 */
export function withCrashTest(exit?: () => void): TaskKinds {
  return { ...taskKinds, kinds: { ...taskKinds.kinds, 'crash-test': crashTestKind(exit) } };
}
