// Training throughput, one core, batch 100: our engine against TF.js (wasm and
// cpu backends, measured live in the same process), the recorded PyTorch
// anchors, the project's targets and the engine's own SIMD GEMM peak.
import { GEMM_SHAPE, measureGemmPeak } from './gemm-peak.js';
import { formatNumber, type BenchOptions, type BenchTable } from './table.js';
import { TF_BACKENDS, type TfBackendName } from './tfjs/backend.js';
import { BENCH_BATCH, measureTfSteps } from './tfjs/measure.js';
import type { TfModelConfig } from './tfjs/models.js';

interface TrainBench {
  label: string;
  config: TfModelConfig;
  pytorch?: number; // steps/s, PyTorch 1.13 CPU, 1 thread
  target?: number; // steps/s our engine must reach
}

const ADAM = { optimizer: 'adam', lr: 1e-2, momentum: 0 } as const;
const SGD_MOMENTUM = { optimizer: 'sgd', lr: 1e-2, momentum: 0.9 } as const;

// PyTorch anchors from ../shared/anchors/ANCHORS.md ("Training throughput, one
// core, batch 100"); targets from the project's issues.
const MODELS: TrainBench[] = [
  { label: 'linear (Adam)', config: { model: 'linear', ...ADAM }, pytorch: 11_813, target: 40_000 },
  { label: 'mlp 100, residual (Adam)', config: { model: 'mlp', hidden: 100, ...ADAM }, pytorch: 2_722, target: 4_500 },
  { label: 'cnn 25 ch (Adam)', config: { model: 'cnn', channels: 25, ...ADAM }, pytorch: 1_313, target: 2_200 },
  { label: 'gru bidir. h6 (Adam)', config: { model: 'gru', hidden: 6, ...ADAM }, pytorch: 167, target: 1_500 },
  ...[10, 50, 150].map((hidden) => ({ label: `mlp3 h=${hidden} (SGD mom.)`, config: { model: 'mlp3', hidden, ...SGD_MOMENTUM } as const })),
  { label: 'mlp3 h=300 (SGD mom.)', config: { model: 'mlp3', hidden: 300, ...SGD_MOMENTUM }, pytorch: 1_255, target: 700 },
];

export async function trainSection({ quick }: BenchOptions): Promise<BenchTable> {
  const seconds = quick ? 0.3 : 1.5;
  const notes: string[] = [];
  const failures = new Set<string>();
  // Runs one measurement; a failure becomes a note and a '—' cell.
  const attempt = async <T>(what: string, run: () => Promise<T>, show: (value: T) => string): Promise<T | undefined> => {
    try {
      const value = await run();
      console.error(`train: ${what}: ${show(value)}`);
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!failures.has(message)) notes.push(`${what} failed: ${message}`);
      failures.add(message);
      return undefined;
    }
  };

  const speed = (r: { stepsPerS: number }) => `${formatNumber(r.stepsPerS)} steps/s`;
  const loadEngine = async () => (await import('./engine-speed.js')).measureEngineSteps;
  const engine = await attempt('loading bench/engine-speed', loadEngine, () => 'loaded');
  // The peak is timed before and after the models and the better one counts: the machine may be busy at one of them.
  const gemmPeak = () => attempt('GEMM peak', () => measureGemmPeak(quick ? 0.2 : 1), (g) => `${formatNumber(g)} GFLOP/s`);
  const peakBefore = await gemmPeak();

  const measured = [];
  for (const bench of MODELS) {
    const { label, config } = bench;
    const measureOurs = () => engine!({ ...config, batchSize: BENCH_BATCH }, seconds);
    const ours = engine && (await attempt(`${label} ours`, measureOurs, speed));
    const tf = {} as Record<TfBackendName, number | undefined>;
    for (const backend of TF_BACKENDS) {
      tf[backend] = (await attempt(`${label} TF.js ${backend}`, () => measureTfSteps(config, backend, seconds), speed))?.stepsPerS;
    }
    measured.push({ bench, ours, tf });
  }

  const peakAfter = await gemmPeak();
  const peak = Math.max(peakBefore ?? 0, peakAfter ?? 0) || undefined;
  const rows = measured.map(({ bench: { label, pytorch, target }, ours, tf }) => {
    const steps = ours?.stepsPerS;
    const gflops = ours && (ours.stepsPerS * ours.flopsPerStep) / 1e9;
    return [
      label,
      steps ?? '—',
      gflops ?? '—',
      gflops && peak ? `${Math.round((100 * gflops) / peak)} %` : '—',
      tf.wasm ?? '—',
      tf.cpu ?? '—',
      ratio(steps, tf.wasm),
      ratio(steps, tf.cpu),
      pytorch ?? '—',
      ratio(steps, pytorch),
      target ?? '—',
      target === undefined || steps === undefined ? '—' : steps >= target ? 'pass' : 'MISS',
    ];
  });

  const { m, n, k } = GEMM_SHAPE;
  notes.unshift(
    `Steps/s at batch ${BENCH_BATCH}, one thread, after a warm-up, ${seconds} s per measurement; one step = forward + backward + optimizer update.`,
    `GEMM peak: ${peak ? formatNumber(peak) : '—'} GFLOP/s (the engine's f32x4 micro-kernel on (${m}x${k})(${k}x${n}), best of before and after the models); "% GEMM peak" = the model's GFLOP/s over it.`,
    'TF.js 4.22, measured live in this process: tf ops + optimizer.minimize in tf.tidy, the CNN as im2col + matMul (the wasm backend cannot train layers.conv1d), the GRU as a hand-written cell; all checked against the PyTorch fixtures by test/bench-tfjs.test.ts.',
    'PyTorch: 1.13 CPU, 1 thread, recorded in ../shared/anchors/ANCHORS.md on this machine kind (not measured here).',
  );
  return {
    title: 'Training throughput (steps/s, batch 100, one core)',
    columns: ['model', 'ours', 'ours GFLOP/s', '% GEMM peak', 'TF.js wasm', 'TF.js cpu', 'ours / TF.js wasm', 'ours / TF.js cpu', 'PyTorch', 'ours / PyTorch', 'target', 'target met'],
    rows,
    notes,
  };
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '—' : `${formatNumber(a / b)}×`;
}
