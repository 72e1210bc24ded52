// `mnist1d worker --queue URL [--workers N] [--name NAME]`: runs a sweep's jobs from
// a Redis queue on this machine, N at a time, until stopped. Ctrl-C (or SIGTERM)
// lets the running jobs finish and send their records; a second one hands them
// back to the queue at once, for other workers.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { taskKinds, withCrashTest } from '../experiments/task-kinds.js';
import { ConfigError } from '../schema.js';
import { defaultWorkerCount } from '../sweep/node-pool.js';
import type { QueueWorkerEvent } from '../sweep/queue-worker.js';
import { parseQueueUrl } from '../sweep/queue-url.js';
import { parseIntegerFlag } from './flag-values.js';
import { parseWorkers } from './sweep.js';

interface WorkerFlags {
  queue: string;
  workers?: string;
  name?: string;
  lockDuration?: number;
  crashTest?: boolean;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description("run sweep jobs from a Redis queue (a coordinator's `sweep --queue` or `run --queue`) on this machine")
    .requiredOption('--queue <url>', 'the queue: redis://HOST[:PORT][/DB] or rediss://..., a password as redis://:PASSWORD@HOST')
    .option('--workers <n>', 'jobs run at once (default: the number of cores)')
    .option('--name <name>', 'this machine in progress and records (default: the host name)')
    .addOption(hiddenOption(program, '--lock-duration <ms>', 'a job returns to the queue this long after its worker died (default 30000)', (raw) => parseIntegerFlag('--lock-duration', raw)))
    .addOption(hiddenOption(program, '--crash-test', "also run the test-only 'crash-test' kind"))
    .addHelpText('after', '\nCtrl-C lets the running jobs finish; a second Ctrl-C hands them back to the queue.')
    .action((flags: WorkerFlags) => workerCommand(flags));
}

function hiddenOption(program: Command, flags: string, description: string, parse?: (raw: string) => unknown) {
  const option = program.createOption(flags, description).hideHelp();
  return parse ? option.argParser(parse) : option;
}

async function workerCommand(flags: WorkerFlags): Promise<void> {
  const url = parseQueueUrl(flags.queue, '--queue');
  const workers = flags.workers === undefined ? defaultWorkerCount() : parseWorkers(flags.workers);
  const name = flags.name ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  if (!NAME.test(name)) throw new ConfigError(`--name must be 1-64 letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`, '--name');
  if (flags.lockDuration !== undefined && flags.lockDuration < 1000) throw new ConfigError(`--lock-duration must be >= 1000 (ms), got ${flags.lockDuration}`, '--lock-duration');
  const log = (text: string) => process.stderr.write(`worker ${name}: ${text}\n`);
  const { QueueWorker } = await import('../sweep/queue-worker.js'); // BullMQ, loaded by the command that needs it
  const worker = await QueueWorker.start({
    url,
    kinds: flags.crashTest ? withCrashTest() : taskKinds,
    workers,
    name,
    lockDurationMs: flags.lockDuration,
    onEvent: (event) => log(describeEvent(event)),
  });
  log(`${workers} workers on ${url.shown}; Ctrl-C lets running jobs finish, a second Ctrl-C hands them back`);
  let signals = 0;
  const stopped = new Promise<void>((resolve, reject) => {
    const onSignal = () => {
      signals++;
      if (signals === 1) log(`stopping: ${worker.active} running jobs finish (Ctrl-C again hands them back)`);
      else log('handing the running jobs back to the queue');
      worker.stop(signals === 1 ? 'finish' : 'hand-back').then(resolve, reject);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await stopped;
  log('stopped');
}

function describeEvent(event: QueueWorkerEvent): string {
  switch (event.type) {
    case 'job-start':
      return `${event.worker} started ${event.id}`;
    case 'job-end':
      return event.reply.ok
        ? `${event.worker} ${event.reply.record.status} ${event.id} in ${event.seconds.toFixed(1)}s`
        : `${event.worker} failed ${event.id} in ${event.seconds.toFixed(1)}s: ${event.reply.error.code}: ${event.reply.error.message}`;
    case 'handed-back':
      return `${event.worker} handed ${event.id} back to the queue`;
    case 'error':
      return `queue error: ${event.message}`;
  }
}
