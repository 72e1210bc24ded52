// Stride-2 convolutions, one core: the double-descent CNN (SGD momentum, batch 100) at
// several widths, trained with the direct conv kernels and with the engine's choice
// (Winograd F(5,2) from 30 channels on, assembly/nn/conv-winograd.ts), side by side.
// GFLOP/s count the direct kernels' multiply-adds in both columns, so the Winograd
// column shows the work it saved as extra speed.
import { Engine } from '../src/train/engine.js';
import { measureEngineSteps } from './engine-speed.js';
import { formatNumber, type BenchOptions, type BenchTable } from './table.js';

const WIDTHS = [25, 30, 50, 75, 100];

export async function winogradSection({ quick }: BenchOptions): Promise<BenchTable> {
  const seconds = quick ? 0.3 : 1.5;
  const rows: (string | number)[][] = [];
  const engine = await Engine.create();
  // conv2 of the paper CNN (19 -> 10 positions) takes the Winograd kernels when they have scratch
  const usesWinograd = (c: number) => engine.wasm.winogradScratchFloats(c, 19, c, 10, 3, 2, 1, 100) > 0;
  for (const channels of quick ? [30, 100] : WIDTHS) {
    const config = { model: 'cnn', channels, optimizer: 'sgd', lr: 0.01, momentum: 0.9, batchSize: 100 } as const;
    const direct = await measureEngineSteps(config, seconds, undefined, { winograd: false });
    const auto = await measureEngineSteps(config, seconds);
    const gflops = (r: typeof direct) => (r.stepsPerS * r.flopsPerStep) / 1e9;
    console.error(`winograd: ${channels} channels: direct ${formatNumber(direct.stepsPerS)}, engine ${formatNumber(auto.stepsPerS)} steps/s`);
    rows.push([String(channels), direct.stepsPerS, gflops(direct), auto.stepsPerS, gflops(auto), `${formatNumber(auto.stepsPerS / direct.stepsPerS)}×`, usesWinograd(channels) ? 'Winograd' : 'direct']);
  }
  return {
    title: 'Stride-2 convolutions: direct vs Winograd F(5,2) kernels (steps/s, paper CNN with c channels, SGD momentum, batch 100, one core)',
    columns: ['channels', 'direct', 'direct GFLOP/s', 'engine', 'engine GFLOP/s', 'engine / direct', 'engine uses'],
    rows,
    notes: [
      'GFLOP/s: 6 x the direct kernels\' multiply-adds per example x batch, per second (the Winograd kernels do 11/15 of conv2\'s and conv3\'s).',
      `${seconds} s per measurement after a warm-up, best of 0.1 s windows.`,
    ],
  };
}
