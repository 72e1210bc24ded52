// Runs one `mnist1d` command in this process and prints, as the last line of stdout,
// {"code", "seconds", "maxRSS"} (maxRSS in kB: the process's peak resident memory,
// worker threads included). The meta bench runs the whole activation study through it.
// usage: node dist/bench/cli-peak-memory.js <mnist1d arguments...>
import { runCli } from '../src/cli/main.js';

const start = performance.now();
const code = await runCli(process.argv.slice(2));
console.log(JSON.stringify({ code, seconds: (performance.now() - start) / 1e3, maxRSS: process.resourceUsage().maxRSS }));
