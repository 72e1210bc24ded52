// `mnist1d run <study> [--workers N] [--out DIR] [--resume] [--quick] [--set key=value ...]`
// runs one of the paper's studies as a resumable parallel sweep and writes its
// results.jsonl, summary.md, summary.json and figures (SVG, PNG, Vega-Lite JSON).
// `mnist1d start` (what `npm start` runs) is `run spatial-priors` on every core
// into results/, resuming what is already there.
import { join } from 'node:path';
import type { Command } from 'commander';
import { getStudy, resolveSettings, studies, type AnyStudy } from '../experiments/index.js';
import { runStudy } from '../experiments/run-study.js';
import { RESULTS_FILE } from '../sweep/results-store.js';
import { runWithDisplay } from './progress-display.js';
import { EXIT_CODES_HELP, RunsFailedError, UsageError } from './errors.js';
import { parseWorkers, WORKERS_HELP } from './sweep.js';
import { BATCH_OPTION, QUEUE_OPTION, withQueue, type QueueFlags } from './queue-option.js';

interface RunFlags extends QueueFlags {
  workers?: string;
  out?: string;
  resume?: boolean;
  retryFailed?: boolean;
  quick?: boolean;
  set: string[];
}

function studiesHelp(): string {
  const lines = ['', 'Studies and their settings (defaults; --quick changes the ones marked *):'];
  for (const s of studies) {
    lines.push('', `  ${s.name}: ${s.title}`);
    for (const [key, value] of Object.entries(s.defaults as Record<string, unknown>)) {
      const mark = key in s.quick ? '*' : ' ';
      lines.push(`   ${mark} ${key} = ${JSON.stringify(value)}`);
    }
  }
  lines.push(
    '',
    'A --set value is JSON (5, 0.15, true, [2,3]) or a comma list (2,4,8 or max,avg); a single',
    'value for a list setting is a one-item list. Dataset args are set as dataset.<arg>=value',
    '(e.g. --set dataset.seed=7). Example:',
    '  mnist1d run double-descent --quick --set mlpWidths=4,16,64,256 --set epochs=50',
  );
  return lines.join('\n');
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description("run one of the paper's studies as a parallel, resumable sweep with its summary and figures")
    .argument('<study>', studies.map((s) => s.name).join(' | '))
    .option('--workers <n>', WORKERS_HELP)
    .option('--out <dir>', 'output folder (default: results/<study>)')
    .option('--resume', 'continue a run in --out: skip tasks already in its results.jsonl')
    .option('--retry-failed', 'with --resume: run again the tasks recorded as failed (their records are replaced)')
    .option('--quick', 'a scaled-down version that still shows the effect')
    .option('--set <key=value>', 'override a setting (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .option(...QUEUE_OPTION)
    .option(...BATCH_OPTION)
    .addHelpText('after', () => studiesHelp() + EXIT_CODES_HELP)
    .action((name: string, flags: RunFlags) => runCommand(getStudy(name), flags, `mnist1d run ${name}`));

  program
    .command('start')
    .description('the main job (npm start): the spatial-priors table next to the paper and PyTorch, on every core, into results/')
    .option('--workers <n>', WORKERS_HELP)
    .action((flags: { workers?: string }) =>
      runCommand(getStudy('spatial-priors'), { workers: flags.workers, out: 'results', resume: true, set: [] }, 'mnist1d start'),
    );
}

async function runCommand(study: AnyStudy, flags: RunFlags, invocation: string): Promise<void> {
  if (flags.retryFailed && !flags.resume) throw new UsageError('--retry-failed applies to --resume: give both');
  const settings = resolveSettings(study, { quick: flags.quick, set: flags.set });
  const workers = flags.workers === undefined ? undefined : parseWorkers(flags.workers);
  const outDir = flags.out ?? `results/${study.name}`;
  const command = [invocation, flags.quick ? '--quick' : '', ...flags.set.map((s) => `--set ${s}`)].filter(Boolean).join(' ');
  const result = await runWithDisplay({ title: study.name, resultsPath: join(outDir, RESULTS_FILE) }, (hooks) =>
    withQueue(flags, workers, (executor) => runStudy(study, settings, { outDir, workers, resume: flags.resume, retryFailed: flags.retryFailed, command, executor, ...hooks })),
  );
  console.log(result.summary.markdown);
  console.log(`Written: ${[result.files.results, result.files.summary, result.files.json, ...result.figures.flatMap((f) => [f.svg, f.png])].join(', ')}`);
  if (result.failed) throw new RunsFailedError(`${result.failed} of ${result.records.length} tasks failed (their records say why); run them again with --resume --retry-failed`);
}
