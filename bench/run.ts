// `npm run bench`: runs the benchmark sections one after another, prints each
// as a markdown table and writes them all to bench/RESULTS.md with the machine.
//   node dist/bench/run.js [--sections generate,train,sweep] [--quick] [--out FILE]
// A section whose module is missing or throws is reported and the run goes on.
import { writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { packagePath } from '../src/engine/node-files.js';
import { formatTable, type BenchOptions, type BenchSection } from './table.js';

const SECTIONS = ['generate', 'train', 'sparse', 'winograd', 'meta', 'sweep', 'browser', 'queue'] as const;
type SectionName = (typeof SECTIONS)[number];

interface Args extends BenchOptions {
  sections: SectionName[];
  out: string;
}

function parseCommandLine(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      sections: { type: 'string', default: SECTIONS.join(',') },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: packagePath('bench/RESULTS.md') },
    },
  });
  const sections = values.sections.split(',').map((s) => s.trim());
  for (const s of sections) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new Error(`--sections must list some of ${SECTIONS.join(', ')}, got ${JSON.stringify(s)}`);
    }
  }
  return { sections: sections as SectionName[], quick: values.quick, out: values.out };
}

/** Loads bench/<name>.js and calls its `<name>Section`; any failure becomes the section's text. */
async function runSection(name: SectionName, options: BenchOptions): Promise<string> {
  const start = performance.now();
  try {
    // A non-literal specifier: a section written by someone else may not exist yet.
    const specifier = `./${name}.js`;
    const module = (await import(specifier)) as Record<string, unknown>;
    const section = module[`${name}Section`];
    if (typeof section !== 'function') throw new Error(`bench/${name}.ts exports no ${name}Section()`);
    const table = await (section as BenchSection)(options);
    const seconds = (performance.now() - start) / 1e3;
    return `${formatTable(table)}\n\n_${name}: ${seconds.toFixed(1)} s_`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `### ${name}\n\nsection failed: ${message}`;
  }
}

function machineLine(quick: boolean): string {
  const cores = cpus();
  const date = new Date().toISOString().slice(0, 10);
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const mode = quick ? ' Quick (smoke) run: short timings, numbers are rough.' : '';
  return `${date}, ${model}, ${cores.length} cores, ${platform()} ${release()}, Node ${process.version}.${mode}`;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
    return;
  }
  const header = `# mnist1d benchmarks\n\n${machineLine(args.quick)}`;
  console.log(header + '\n');
  const parts = [header];
  for (const name of args.sections) {
    const text = await runSection(name, args);
    console.log(text + '\n');
    parts.push(text);
  }
  writeFileSync(args.out, parts.join('\n\n') + '\n');
  console.log(`written to ${args.out}`);
}

await main();
