// Starts a real `maas serve` on a free loopback port for the tests and stops it after.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SHARED = process.env.MAAS_SHARED_DIR ?? new URL('../../../../shared', import.meta.url).pathname;
export const BINARY = process.env.MAAS_BINARY ?? new URL('../../../build/maas', import.meta.url).pathname;
export const STORIES = join(SHARED, 'models/stories260K.gguf');

export async function startServer(extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'maas-node-'));
  const child = spawn(BINARY, ['serve', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`maas serve did not start: ${log}`)), 60000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/"event":"listening".*"port":(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`maas serve exited (${code}): ${log}`)));
  });
  const baseURL = `http://127.0.0.1:${port}`;
  // Wait for readiness (models loaded).
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`${baseURL}/readyz`).catch(() => null);
    if (r && r.status === 200) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  return {
    baseURL,
    port,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((res) => (child.exitCode !== null ? res() : child.on('exit', res)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
