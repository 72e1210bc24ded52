// What crosses Redis is checked on arrival: the queue URL at the edge, a job's payload
// on the worker side (the same schemas as the coordinator's, its id the key of what
// it runs), a job's reply on the coordinator side. No Redis needed.
import { describe, expect, it } from 'vitest';
import { taskKinds, withCrashTest } from '../src/experiments/task-kinds.js';
import { ConfigError } from '../src/schema.js';
import { normalizeTasks } from '../src/sweep/normalize.js';
import { parseQueueUrl } from '../src/sweep/queue-url.js';
import { jobPayload, MAX_PAYLOAD_CHARS, parseJobPayload, parseJobReply } from '../src/sweep/queue-payload.js';

const [task] = normalizeTasks([{ model: 'mlp', hidden: 8, steps: 10 }], taskKinds);
const payload = () => JSON.parse(JSON.stringify(jobPayload(task))) as { kind: string; config: Record<string, unknown>; datasets: unknown[] };

function rejects(data: unknown, id: string | undefined, field: RegExp, kinds = taskKinds): ConfigError {
  let error: unknown;
  try {
    parseJobPayload(data, id, kinds);
  } catch (e) {
    error = e;
  }
  expect(error, `payload ${JSON.stringify(data)?.slice(0, 80)} should be refused`).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toMatch(field);
  return error as ConfigError;
}

describe('queue URLs', () => {
  it('accepts redis:// and rediss:// with a port, a database and a password, and never shows the password', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380/2').shown).toBe('redis://127.0.0.1:6380/2');
    const secret = parseQueueUrl('rediss://:s3cret@queue.example:6379');
    expect(secret.href).toContain('s3cret');
    expect(secret.shown).toBe('rediss://:***@queue.example:6379');
  });

  it('refuses other schemes, a bad database and junk, naming the flag', () => {
    expect(() => parseQueueUrl('http://host:6379', '--queue')).toThrow(/--queue must be redis:\/\/HOST.*"http:"/);
    expect(() => parseQueueUrl('redis://host/99', '--queue')).toThrow(/database .* 0\.\.15, got "99"/);
    expect(() => parseQueueUrl('redis://:pw@host/x', '--queue')).toThrow(/got "x" in redis:\/\/:\*\*\*@host\/x/);
    expect(() => parseQueueUrl('localhost:6379', '--queue')).toThrow(/--queue must be/);
  });
});

describe('a job payload on the worker side', () => {
  it('is the task the coordinator prepared, keyed the same', () => {
    expect(parseJobPayload(payload(), task.key, taskKinds)).toEqual(task);
  });

  it('is refused when it is not a task object or has other fields', () => {
    rejects('rm -rf /', task.key, /job must be an object|expected object/i);
    rejects(null, task.key, /job/);
    rejects({ ...payload(), code: 'process.exit()' }, task.key, /unknown field job\.code/);
    rejects({ ...payload(), kind: 7 }, task.key, /job\.kind must be a task kind/);
  });

  it('is refused when its kind is unknown or not enabled on this worker', () => {
    rejects({ ...payload(), kind: 'eval' }, task.key, /must be a registered task kind \(train, lottery-chain[^)]*\), got "eval"/);
    const crash = { kind: 'crash-test', config: { mode: 'exit' }, datasets: [] };
    const [crashTask] = normalizeTasks([crash], withCrashTest());
    rejects(crash, crashTask.key, /registered task kind .*got "crash-test"/);
    expect(parseJobPayload(crash, crashTask.key, withCrashTest()).kind).toBe('crash-test');
  });

  it('is refused when a field has the wrong type or a huge size, by the run config schema', () => {
    const wrongType = payload();
    wrongType.config.steps = '10';
    rejects(wrongType, task.key, /steps must be an integer/);
    const huge = payload();
    huge.config.dataset = { ...(huge.config.dataset as object), numSamples: 1e12 };
    rejects(huge, task.key, /numSamples/);
    rejects({ ...payload(), datasets: Array.from({ length: 100 }, () => ({})) }, task.key, /job\.datasets/);
    rejects({ ...payload(), config: { ...payload().config, note: 'x'.repeat(MAX_PAYLOAD_CHARS) } }, task.key, /at most 65536 characters/);
  });

  it('is refused with a __proto__ key, which pollutes nothing', () => {
    const hostile = JSON.parse(`{"kind":"train","config":{"__proto__":{"polluted":true},"model":"mlp"},"datasets":[]}`) as unknown;
    rejects(hostile, task.key, /unknown field .*__proto__/);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('is refused when its id is not the key of what it would run, or its datasets are not its config\'s', () => {
    rejects(payload(), '0123456789abcdef', /job id must be the key of its task \([0-9a-f]{16}\), got "0123456789abcdef"/);
    rejects({ ...payload(), datasets: [] }, task.key, /job\.datasets must be the datasets of its config/);
  });
});

describe('a job reply on the coordinator side', () => {
  it('is a record or an error with the worker that sent it', () => {
    const reply = { ok: true, record: { config: {}, status: 'ok', test_acc: 0.5 }, worker: 'm1/0' };
    expect(parseJobReply(reply, 'k')).toEqual(reply);
    expect(parseJobReply({ ok: false, error: { code: 'WORKER_EXIT', message: 'gone' }, worker: 'm1/0' }, 'k').ok).toBe(false);
  });

  it('is refused when malformed', () => {
    expect(() => parseJobReply({ ok: true, record: { config: {}, status: 'done' }, worker: 'm' }, 'k')).toThrow(/reply of job k.*status/);
    expect(() => parseJobReply('ok', 'k')).toThrow(ConfigError);
  });
});
