// The schema of a stored record (one line of results.jsonl), checked when a
// sweep resumes so that a damaged line is reported, never trusted. Every record
// has the envelope {key, kind?, config, status, reason?}; a record without `kind`
// is a 'train' RunRecord and is checked field by field, its config with the run
// config schema. Other kinds are checked by the schema a caller supplies for
// them (it must also accept that kind's failed records), else by the envelope alone.
import { z } from 'zod';
import { finite, integer, oneOf, parseConfig } from '../schema.js';
import { parseRunConfig } from '../train/config.js';

/** Per kind ('train' for records without `kind`), the schema of its records. */
export type RecordSchemas = Readonly<Record<string, z.ZodType>>;

const envelope = z.object({
  key: z.string({ error: 'must be a string (the run key)' }).min(1, { error: 'must be a non-empty string (the run key)' }),
  kind: z.string({ error: 'must be a string (a task kind)' }).optional(),
  config: z.record(z.string(), z.unknown(), { error: 'must be an object (the run config)' }),
  status: oneOf(['ok', 'diverged', 'failed']),
  reason: z.string({ error: 'must be a string' }).optional(),
});

const metric = finite().nullable();
const evalPoint = z.object({ step: integer({ min: 0 }), train_loss: metric, train_acc: metric, test_loss: metric, test_acc: metric });

/** A RunRecord's fields besides the envelope (its config is checked by the run config schema). */
const trainRecord = z.object({
  train_loss: metric,
  train_acc: metric,
  test_loss: metric,
  test_acc: metric,
  steps: integer({ min: 0 }),
  wall_s: finite({ min: 0 }),
  steps_per_s: finite({ min: 0 }),
  history: z.array(evalPoint, { error: 'must be an array of evaluations' }),
});

/**
 * Throws a ConfigError naming the first field of `record` that does not fit
 * ("status must be one of ok, diverged, failed, got "done"").
 */
export function checkRecord(record: unknown, schemas: RecordSchemas = {}): void {
  const { kind } = parseConfig(envelope, record);
  const schema = schemas[kind ?? 'train'];
  if (schema) parseConfig(schema, record);
  else if (kind === undefined) {
    parseConfig(trainRecord, record);
    parseRunConfig((record as { config: unknown }).config, 'config');
  }
}
