// json and csv datasets are streamed: cut into chunks of bounded size, each
// ending at a row's end, with exactly the bytes of the one-shot encoding. (At
// the size cap, 838 860 x 40 values, the one-shot json exceeded V8's longest
// string; the streamed one is written with memory flat in the dataset size.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDatasetArgs, toReferenceArgs } from '../src/data/args.js';
import { datasetFiles, encodeDataset, TEXT_CHUNK_CHARS } from '../src/data/formats.js';
import { makeDataset } from '../src/data/generator.js';
import { saveDataset } from '../src/data/save.js';
import type { Dataset } from '../src/data/types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A dataset of `rows` examples of F values (not generated: only its shape matters here). */
function syntheticDataset(rows: number, F: number): Dataset {
  const nTest = Math.floor(rows / 4);
  const values = (n: number, offset: number) => Float64Array.from({ length: n * F }, (_, i) => Math.sin(i + offset) / 3);
  const labels = (n: number) => Int32Array.from({ length: n }, (_, i) => i % 10);
  return {
    x: values(rows - nTest, 0),
    y: labels(rows - nTest),
    xTest: values(nTest, 0.5),
    yTest: labels(nTest),
    t: Float64Array.from({ length: F }, (_, i) => i / F),
    templates: { x: new Float64Array(120), t: new Float64Array(12) },
    args: parseDatasetArgs({ numSamples: rows, finalSeqLength: F, trainSplit: (rows - nTest) / rows }),
  };
}

const text = (chunks: Iterable<string | Uint8Array>) => Array.from(chunks, (c) => (typeof c === 'string' ? c : new TextDecoder().decode(c))).join('');
const f32 = (a: Float64Array, dtype: string) => (dtype === 'float32' ? Float32Array.from(a) : a);
const rowsOf = (a: Float64Array | Float32Array, F: number) => Array.from({ length: a.length / F }, (_, i) => Array.from(a.subarray(i * F, (i + 1) * F)));

describe('streamed json and csv', () => {
  it('are exactly the one-shot encodings (JSON.stringify of the whole; csv lines)', async () => {
    const ds = await makeDataset({ numSamples: 200, finalSeqLength: 9 });
    const F = 9;
    for (const dtype of ['float64', 'float32'] as const) {
      const body = { args: toReferenceArgs(ds.args), x: rowsOf(f32(ds.x, dtype), F), y: Array.from(ds.y), x_test: rowsOf(f32(ds.xTest, dtype), F), y_test: Array.from(ds.yTest), t: Array.from(f32(ds.t, dtype)) };
      const [json] = datasetFiles(ds, 'json', dtype);
      expect(text(json.chunks())).toBe(JSON.stringify(body) + '\n');

      const header = ['label', ...Array.from({ length: F }, (_, j) => `x${j}`)].join(',');
      const table = (x: Float64Array | Float32Array, y: Int32Array) => [header, ...rowsOf(x, F).map((row, i) => `${y[i]},${row.join(',')}`)].join('\n') + '\n';
      const csv = Object.fromEntries(datasetFiles(ds, 'csv', dtype).map((file) => [file.name, text(file.chunks())]));
      expect(csv['x.csv']).toBe(table(f32(ds.x, dtype), ds.y));
      expect(csv['x_test.csv']).toBe(table(f32(ds.xTest, dtype), ds.yTest));
      expect(csv['t.csv']).toBe(['t', ...Array.from(f32(ds.t, dtype))].join('\n') + '\n');
      // encodeDataset (in memory) holds the same bytes
      for (const { name, bytes } of encodeDataset(ds, 'csv', dtype)) if (name.endsWith('.csv')) expect(new TextDecoder().decode(bytes)).toBe(csv[name]);
    }
  });

  it('come in chunks of about TEXT_CHUNK_CHARS characters, each ending at a row, whatever the dataset size', () => {
    const F = 10;
    const ds = syntheticDataset(40_000, F);
    const rowChars = 30 * (F + 1); // more than any row
    for (const format of ['json', 'csv'] as const) {
      for (const file of datasetFiles(ds, format)) {
        const chunks = Array.from(file.chunks()) as string[];
        chunks.slice(0, -1).forEach((chunk) => {
          expect(chunk.length).toBeGreaterThanOrEqual(TEXT_CHUNK_CHARS);
          expect(chunk.length).toBeLessThan(TEXT_CHUNK_CHARS + rowChars);
          expect(chunk.endsWith(format === 'csv' ? '\n' : ']')).toBe(true);
        });
        if (file.name === 'x.csv' || file.name === 'mnist1d.json') expect(chunks.length).toBeGreaterThan(3);
      }
    }
  });

  it('are written chunk by chunk to the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist1d-stream-'));
    dirs.push(dir);
    const ds = syntheticDataset(20_000, 10);
    await saveDataset(ds, dir, { format: 'json' });
    const [json] = datasetFiles(ds, 'json');
    expect(readFileSync(join(dir, 'mnist1d.json'), 'utf8')).toBe(text(json.chunks()));
    expect(JSON.parse(readFileSync(join(dir, 'mnist1d.json'), 'utf8')).x).toHaveLength(15_000);
  });
});
