// A private queue on this machine, for the queue benchmark and tests: a redis-server
// on a free loopback port (127.0.0.1 only, AOF on, its files in a temporary folder,
// stopped by its PID) and `mnist1d worker` processes. Needs the build and Debian's
// redis-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, packagePath } from '../src/engine/node-files.js';

export const repoRoot = packageRoot();
export const bin = packagePath('bin/mnist1d.js');

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `ready` every 20 ms until true; throws `what` after `timeoutMs`. */
export async function waitFor(ready: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(20);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function pings(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), done(data.toString().startsWith('+PONG'))));
    socket.once('error', () => (socket.destroy(), done(false)));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

export class LocalRedis {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly appendfsync: string,
  ) {}

  /** A redis-server with AOF on, in its own folder; `appendfsync` 'always' loses nothing when it is killed. */
  static async start(appendfsync: 'always' | 'everysec' = 'always'): Promise<LocalRedis> {
    const redis = new LocalRedis(await freePort(), mkdtempSync(join(tmpdir(), 'mnist1d-redis-')), appendfsync);
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, on the same port and files) and waits until it answers. */
  async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.appendfsync, '--save', '', '--maxmemory-policy', 'noeviction'];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.process = child;
    let failed: Error | undefined;
    child.once('error', (error) => (failed = new Error(`cannot start redis-server (Debian: apt-get install redis-server): ${error.message}`)));
    await waitFor(async () => {
      if (failed) throw failed;
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      return pings(this.port);
    }, 'redis-server to answer', 10_000);
  }

  /** SIGKILLs the server and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A `mnist1d worker` process; `log` collects its stderr. */
export class WorkerProcess {
  log = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stderr!.on('data', (chunk) => (this.log += chunk));
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)));
  }

  /** Starts `mnist1d worker` (one job at a time, plus `flags`) and waits until it takes jobs. */
  static async start(url: string, name: string, flags: string[] = []): Promise<WorkerProcess> {
    const args = [bin, 'worker', '--queue', url, '--workers', '1', '--name', name, ...flags];
    const worker = new WorkerProcess(name, spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] }));
    await waitFor(() => {
      if (worker.child.exitCode !== null) throw new Error(`worker ${name} exited: ${worker.log}`);
      return worker.log.includes('workers on');
    }, `worker ${name} to start`);
    return worker;
  }

  /** Keys of the jobs this worker started. */
  started(): string[] {
    return [...this.log.matchAll(/ started ([0-9a-f]{16})/g)].map((m) => m[1]);
  }

  /** Keys of the jobs this worker finished and sent back. */
  finished(): string[] {
    return [...this.log.matchAll(/ (?:ok|diverged|failed) ([0-9a-f]{16}) in /g)].map((m) => m[1]);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
