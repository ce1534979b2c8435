/**
 * How every list of a shop's rows is read: the shop, an optional referrer filter, and the cursor
 * of the page convention (`starting_after`, contract/common.ts) — as a WHERE clause whose arguments
 * are numbered `?1` (the shop), `?2` (the limit) and up.
 *
 * @example
 * const { where, args } = shopListWhere(shopId, limit, { referrerId, cursor: after && { value: after, sql: (p) => `seq > (… id = ${p})` } });
 * db.prepare(`SELECT * FROM t WHERE ${where} ORDER BY seq LIMIT ?2`).bind(...args)
 */
export function shopListWhere(
  shopId: string,
  limit: number,
  opts: { referrerId?: string; cursor?: { value: string; sql: (placeholder: string) => string } },
): { where: string; args: unknown[] } {
  const where = ['shop_id = ?1'];
  const args: unknown[] = [shopId, limit];
  if (opts.referrerId) {
    args.push(opts.referrerId);
    where.push(`referrer_id = ?${args.length}`);
  }
  if (opts.cursor) {
    args.push(opts.cursor.value);
    where.push(opts.cursor.sql(`?${args.length}`));
  }
  return { where: where.join(' AND '), args };
}
