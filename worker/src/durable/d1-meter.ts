/**
 * Counts the D1 statements a Durable Object runs (each statement of a batch counts once; a batch
 * also counts as one round trip). The object reports the counts through its `metrics()` RPC: the
 * figure behind "a flood of unknown codes costs no D1 read" and the capacity plan. The database
 * itself is untouched: every call goes straight to the real binding.
 */
export interface D1Counts {
  /** statements executed, batched or not */
  statements: number;
  /** round trips: one per single statement, one per batch */
  calls: number;
}

const RAW = Symbol('raw statement');

export function meteredD1(db: D1Database, counts: D1Counts): D1Database {
  const meterStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === RAW) return target;
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop === 'bind') return (...args: unknown[]) => meterStatement(value.apply(target, args));
        if (prop === 'first' || prop === 'all' || prop === 'run' || prop === 'raw') {
          return (...args: unknown[]) => {
            counts.statements++;
            counts.calls++;
            return value.apply(target, args);
          };
        }
        return value.bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'prepare') return (sql: string) => meterStatement(value.call(target, sql));
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          counts.statements += statements.length;
          counts.calls++;
          return value.call(target, statements.map(unwrap));
        };
      }
      return value.bind(target);
    },
  });
}

/** D1's batch() wants its own statement objects, not proxies of them. */
function unwrap(statement: D1PreparedStatement): D1PreparedStatement {
  return (statement as unknown as { [RAW]?: D1PreparedStatement })[RAW] ?? statement;
}
