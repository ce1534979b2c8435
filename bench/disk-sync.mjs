// What a durable commit of a Durable Object costs this machine's disk, outside workerd: local workerd
// keeps each object in its own SQLite file in write-ahead-log mode and syncs the log at every commit,
// on the thread that runs the worker. A click to a quiet shop is one commit of three pages (the row,
// the id index, the AUTOINCREMENT counter), and a log that has not been written before grows with
// every commit; a busy object's log, once checkpointed, is written over from its start instead. This
// times both: `writes` appends of three WAL frames each followed by fdatasync (the log grows), and as
// many rewrites of the same frames (it does not). Used by `npm run bench` (bench/run.mjs →
// `machine.disk_sync_us`); alone: `node bench/disk-sync.mjs [directory]`. Files only in `dir`, removed after.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage, hrtime } from 'node:process';
import { median } from './open-loop.mjs';

/** three WAL frames: 24-byte frame header + 4,096-byte page each */
const COMMIT_BYTES = 3 * (24 + 4096);

/**
 * Median of `rounds` runs of `writes` commits each: wall and CPU µs per commit (write + fdatasync)
 * when the file grows (`append_*`) and when the same frames are written again (`overwrite_*`).
 */
export function measureDiskSync(dir, { writes = 1000, rounds = 3 } = {}) {
  const work = mkdtempSync(join(dir, 'disk-sync-'));
  const frame = Buffer.alloc(COMMIT_BYTES, 7);
  const time = (fd, offsetOf) => {
    const wall = hrtime.bigint();
    const cpu = cpuUsage();
    for (let i = 0; i < writes; i++) {
      writeSync(fd, frame, 0, COMMIT_BYTES, offsetOf(i));
      fdatasyncSync(fd);
    }
    const used = cpuUsage(cpu);
    return { wallUs: Number(hrtime.bigint() - wall) / 1000 / writes, cpuUs: (used.user + used.system) / writes };
  };
  const medianOf = (runs, key) => Math.round(median(runs.map((r) => r[key])));
  try {
    const append = [];
    const overwrite = [];
    for (let r = 0; r < rounds; r++) {
      const fd = openSync(join(work, `log-${r}`), 'w');
      try {
        append.push(time(fd, (i) => i * COMMIT_BYTES));
        // the log's first 100 commits again and again: its size does not change
        overwrite.push(time(fd, (i) => (i % 100) * COMMIT_BYTES));
      } finally {
        closeSync(fd);
      }
    }
    return {
      append_wall: medianOf(append, 'wallUs'),
      append_cpu: medianOf(append, 'cpuUs'),
      overwrite_wall: medianOf(overwrite, 'wallUs'),
      overwrite_cpu: medianOf(overwrite, 'cpuUs'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? tmpdir();
  console.log(JSON.stringify(measureDiskSync(dir)));
}
