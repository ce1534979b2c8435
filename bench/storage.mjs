// Storage figures for bench/SCALE.md: how many bytes the local D1 database and the shop objects'
// SQLite storage hold per table, indexes included, read with SQLite's `dbstat` table from the files
// `wrangler dev --persist-to` writes. D1 itself refuses `dbstat` and `PRAGMA page_count` (SQLITE_AUTH),
// so the files are read with the sqlite3 command-line shell (Debian: `apt-get install sqlite3`), from
// copies (the database file and its write-ahead log), while the worker is stopped. Without the shell
// the storage keys are null and the run goes on.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Whether the sqlite3 shell is there and has `dbstat`. */
export function sqliteAvailable() {
  const r = spawnSync('sqlite3', [':memory:', 'SELECT count(*) FROM dbstat'], { encoding: 'utf8' });
  return r.status === 0;
}

function sqliteJson(file, sql) {
  const r = spawnSync('sqlite3', ['-json', file, sql], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`sqlite3 ${file}: ${r.stderr.trim()}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** The local D1 database file(s) and the shop objects' files under a `--persist-to` directory. */
export function localFiles(persistTo) {
  const sqlite = (dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
          .map((f) => join(dir, f))
      : [];
  return {
    d1: sqlite(join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject')),
    shopObjects: sqlite(join(persistTo, 'v3', 'do', 'sharecart-ShopObject')),
  };
}

/**
 * Bytes (whole pages of the table's b-tree and of each of its indexes; pages SQLite freed are on its
 * freelist, reused by later rows, and not counted) and rows of `tables`, summed over `files`. A table a
 * file lacks counts 0. `prepare` is SQL run on the copy first.
 * @param {string[]} files
 * @param {string[]} tables
 * @param {{ prepare?: string }} [opts]
 * @returns {Record<string, { bytes: number, rows: number }>}
 */
export function tableSizes(files, tables, { prepare } = {}) {
  const out = Object.fromEntries(tables.map((t) => [t, { bytes: 0, rows: 0 }]));
  const dir = mkdtempSync(join(tmpdir(), 'sharecart-dbstat-'));
  try {
    for (const file of files) {
      // a copy with its write-ahead log: the shell replays the log, and the worker's files stay untouched
      const copy = join(dir, basename(file));
      copyFileSync(file, copy);
      if (existsSync(file + '-wal')) copyFileSync(file + '-wal', copy + '-wal');
      const list = tables.map((t) => `'${t}'`).join(', ');
      const sizes = sqliteJson(
        copy,
        `${prepare ? prepare + ';' : ''}
         SELECT s.tbl_name AS tbl, SUM(d.pgsize) AS bytes FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
          WHERE s.tbl_name IN (${list}) GROUP BY s.tbl_name`,
      );
      if (sizes.length) {
        const counts = sqliteJson(
          copy,
          sizes.map((s) => `SELECT '${s.tbl}' AS tbl, count(*) AS n FROM "${s.tbl}"`).join(' UNION ALL '),
        );
        for (const s of sizes) out[s.tbl].bytes += s.bytes;
        for (const c of counts) out[c.tbl].rows += c.n;
      }
      for (const f of [copy, copy + '-wal', copy + '-shm']) rmSync(f, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** What grew between two {@link tableSizes} readings. */
export function growth(before, after) {
  return Object.fromEntries(
    Object.keys(after).map((t) => [t, { bytes: after[t].bytes - before[t].bytes, rows: after[t].rows - before[t].rows }]),
  );
}
