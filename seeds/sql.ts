/**
 * SQL text for the seed file: literals and chunked `INSERT OR IGNORE` statements. The seed only
 * ever inserts (the ledger refuses UPDATE and DELETE), and OR IGNORE makes a rerun a no-op.
 */

export type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

/**
 * A SQLite literal: NULL, an integer, or a single-quoted string with quotes doubled.
 *
 * @example
 * sqlLiteral("Maggie's"); // "'Maggie''s'"
 */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    return String(value);
  }
  if (value.includes('\u0000')) throw new RangeError('NUL in a string literal');
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * `INSERT OR IGNORE` statements for `rows` (all with `columns`), `perStatement` rows at a time so
 * no statement grows past D1's statement-size limit.
 *
 * @example
 * insertOrIgnore('t', ['a', 'b'], [{ a: 1, b: 'x' }]);
 * // "INSERT OR IGNORE INTO t (a, b) VALUES\n  (1, 'x');"
 */
export function insertOrIgnore(table: string, columns: readonly string[], rows: readonly Row[], perStatement = 25): string {
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => {
      const cells = columns.map((column) => {
        if (!(column in row)) throw new Error(`${table}: row is missing column ${column}`);
        return sqlLiteral(row[column] as SqlValue);
      });
      return `  (${cells.join(', ')})`;
    });
    statements.push(`INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES\n${values.join(',\n')};`);
  }
  return statements.join('\n');
}
