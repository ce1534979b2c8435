/**
 * Commission: how much a referrer earns on an order, what the share button promises per unit,
 * and the friend's discount. Pure; amounts are integer minor units of the order's currency.
 *
 * Rules, in order:
 * 1. No items: one line on the whole order amount with the program's rule — percent:
 *    `applyBps(amount, rateBps)`; flat: `flatMinor` once per order.
 * 2. With items, each item's base is `quantity × unitPriceMinor`.
 *    - If the items sum to more than the order amount (an order-level discount), the bases are
 *      scaled down to the amount with largest-remainder `allocate` (weights = the bases), so
 *      commission is only paid on what was really paid.
 *    - If they sum to less (shipping, tax, fees), the remainder earns nothing.
 * 3. Per item, a product override wins over the program (an override needs both a kind and a
 *    value): percent → `applyBps(base, value)`; flat → `value × quantity`.
 *    Otherwise the program: percent → `applyBps(base, rateBps)`; a flat program pays `flatMinor`
 *    once per order, on a single line with `sku: null` whose base is the sum of the items that
 *    fell to the program rule (no such line when every item has an override).
 * 4. Each line is rounded on its own (half-even, see money.ts); `uncappedMinor` is the sum of
 *    the lines. The total is then capped at `capMinor` (if set) and never exceeds the order
 *    amount. Lines keep their uncapped values so the explanation shows what the cap took.
 */

import { allocate, applyBps, isMinorAmount } from './money.js';

export interface Program {
  kind: 'percent' | 'flat';
  /** basis points, used when kind is percent */
  rateBps: number;
  /** minor units per order, used when kind is flat */
  flatMinor: number;
  capMinor: number | null;
  holdDays: number;
  windowDays: number;
  model: 'last_click' | 'first_click';
  friendRewardKind: 'none' | 'percent' | 'flat';
  /** basis points for percent, minor units for flat */
  friendRewardValue: number;
}

/**
 * The program as it applies to one referrer: a referrer's own rate (a KOL deal, `referrers.rate_bps`)
 * replaces the program's base rule with that percentage; product overrides and the cap still apply.
 * @example programFor({ ...program, kind: 'flat', flatMinor: 500 }, 1500) // { ...program, kind: 'percent', rateBps: 1500, flatMinor: 500 }
 */
export function programFor(program: Program, referrerRateBps: number | null | undefined): Program {
  return referrerRateBps === null || referrerRateBps === undefined
    ? program
    : { ...program, kind: 'percent', rateBps: referrerRateBps };
}

export interface ProductRule {
  sku: string;
  overrideKind: 'percent' | 'flat' | null;
  /** basis points for percent, minor units per unit for flat */
  overrideValue: number | null;
}

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface CommissionLine {
  /** null for a whole-order line (no items, or the once-per-order flat program line) */
  sku: string | null;
  /** what this line's commission was computed on, after any discount scaling */
  baseMinor: number;
  rule: 'percent' | 'flat';
  source: 'program' | 'product_override';
  rateBps: number | null;
  flatMinor: number | null;
  /** rounded, before the order cap */
  commissionMinor: number;
}

export interface CommissionResult {
  /** what the referrer earns: uncapped, then capped at capMinor, then at most the amount */
  commissionMinor: number;
  /** sum of the lines */
  uncappedMinor: number;
  /** true when the cap or the order amount reduced the commission */
  capped: boolean;
  lines: CommissionLine[];
  /** the part of the order that commission was computed on */
  baseMinor: number;
}

function assertMinor(value: unknown, what: string): asserts value is number {
  if (!isMinorAmount(value)) throw new RangeError(`invalid ${what}: ${String(value)}`);
}

function assertProgram(program: Program): void {
  if (program.kind !== 'percent' && program.kind !== 'flat') {
    throw new RangeError(`invalid program kind: ${String(program.kind)}`);
  }
  assertMinor(program.rateBps, 'program rateBps');
  assertMinor(program.flatMinor, 'program flatMinor');
  if (program.capMinor !== null) assertMinor(program.capMinor, 'program capMinor');
}

/** The override of a rule, when it has both a kind and a value. */
function overrideOf(rule: ProductRule | undefined): { kind: 'percent' | 'flat'; value: number } | null {
  if (!rule || rule.overrideKind === null || rule.overrideValue === null) return null;
  if (rule.overrideKind !== 'percent' && rule.overrideKind !== 'flat') {
    throw new RangeError(`invalid override kind for ${rule.sku}: ${String(rule.overrideKind)}`);
  }
  assertMinor(rule.overrideValue, `override value for ${rule.sku}`);
  return { kind: rule.overrideKind, value: rule.overrideValue };
}

function safeProduct(a: number, b: number, what: string): number {
  const product = BigInt(a) * BigInt(b);
  if (product > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} is too large`);
  return Number(product);
}

function programLine(sku: string | null, baseMinor: number, program: Program): CommissionLine {
  return program.kind === 'percent'
    ? {
        sku,
        baseMinor,
        rule: 'percent',
        source: 'program',
        rateBps: program.rateBps,
        flatMinor: null,
        commissionMinor: applyBps(baseMinor, program.rateBps),
      }
    : {
        sku,
        baseMinor,
        rule: 'flat',
        source: 'program',
        rateBps: null,
        flatMinor: program.flatMinor,
        commissionMinor: program.flatMinor,
      };
}

/**
 * Computes the commission on one order. See the module header for the rules.
 *
 * @throws RangeError for a negative, fractional or unsafe amount, quantity, price or rate.
 * @example
 * const program: Program = { kind: 'percent', rateBps: 1000, flatMinor: 0, capMinor: null,
 *   holdDays: 30, windowDays: 30, model: 'last_click', friendRewardKind: 'none',
 *   friendRewardValue: 0 };
 * computeCommission({ amountMinor: 1015, items: [], program, rules: new Map() }).commissionMinor;
 * // 102 (101.5 rounds half-even)
 */
export function computeCommission(input: {
  amountMinor: number;
  items: OrderItem[];
  program: Program;
  rules: ReadonlyMap<string, ProductRule>;
}): CommissionResult {
  const { amountMinor, items, program, rules } = input;
  assertMinor(amountMinor, 'order amount');
  assertProgram(program);

  const lines: CommissionLine[] = [];
  let baseMinor: number;

  if (items.length === 0) {
    baseMinor = amountMinor;
    lines.push(programLine(null, amountMinor, program));
  } else {
    const listBases = items.map((item) => {
      assertMinor(item.unitPriceMinor, `unit price for ${item.sku}`);
      if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
        throw new RangeError(`invalid quantity for ${item.sku}: ${String(item.quantity)}`);
      }
      return safeProduct(item.quantity, item.unitPriceMinor, `base of ${item.sku}`);
    });
    const listTotal = listBases.reduce((a, b) => a + BigInt(b), 0n);
    const bases = listTotal > BigInt(amountMinor) ? allocate(amountMinor, listBases) : listBases;
    baseMinor = bases.reduce((a, b) => a + b, 0);

    let programBase = 0;
    let anyOnProgram = false;
    items.forEach((item, i) => {
      const base = bases[i] as number;
      const override = overrideOf(rules.get(item.sku));
      if (override?.kind === 'percent') {
        lines.push({
          sku: item.sku,
          baseMinor: base,
          rule: 'percent',
          source: 'product_override',
          rateBps: override.value,
          flatMinor: null,
          commissionMinor: applyBps(base, override.value),
        });
      } else if (override?.kind === 'flat') {
        lines.push({
          sku: item.sku,
          baseMinor: base,
          rule: 'flat',
          source: 'product_override',
          rateBps: null,
          flatMinor: override.value,
          commissionMinor: safeProduct(override.value, item.quantity, `flat override of ${item.sku}`),
        });
      } else if (program.kind === 'percent') {
        lines.push(programLine(item.sku, base, program));
      } else {
        anyOnProgram = true;
        programBase += base;
      }
    });
    if (anyOnProgram) lines.push(programLine(null, programBase, program));
  }

  const uncapped = lines.reduce((a, line) => a + BigInt(line.commissionMinor), 0n);
  let commission = uncapped;
  if (program.capMinor !== null && commission > BigInt(program.capMinor)) {
    commission = BigInt(program.capMinor);
  }
  if (commission > BigInt(amountMinor)) commission = BigInt(amountMinor);
  // `uncapped` may exceed 2^53 with absurd flat overrides; the capped value never does.
  const uncappedMinor = uncapped > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(uncapped);
  return {
    commissionMinor: Number(commission),
    uncappedMinor,
    capped: commission < uncapped,
    lines,
    baseMinor,
  };
}

/**
 * What the share button shows: the commission for one unit bought at list price, alone in an
 * order of exactly that price, after the program cap. A flat program shows its per-order amount
 * (at most the price).
 *
 * @example
 * earnPerUnit(15000, program);                       // 1500 at 10 %
 * earnPerUnit(15000, program, { sku: 'tea', overrideKind: 'flat', overrideValue: 2000 }); // 2000
 */
export function earnPerUnit(priceMinor: number, program: Program, rule?: ProductRule): number {
  const sku = rule?.sku ?? '';
  const rules: ReadonlyMap<string, ProductRule> = rule ? new Map([[sku, rule]]) : new Map();
  return computeCommission({
    amountMinor: priceMinor,
    items: [{ sku, quantity: 1, unitPriceMinor: priceMinor }],
    program,
    rules,
  }).commissionMinor;
}

/**
 * The discount the referred friend gets on an order: percent → `applyBps(amount, value)`,
 * flat → `min(value, amount)`, none → 0. Never more than the amount.
 *
 * @example
 * friendDiscountMinor(10000, { ...program, friendRewardKind: 'percent', friendRewardValue: 500 }); // 500
 * friendDiscountMinor(300, { ...program, friendRewardKind: 'flat', friendRewardValue: 500 });      // 300
 */
export function friendDiscountMinor(amountMinor: number, program: Program): number {
  assertMinor(amountMinor, 'order amount');
  switch (program.friendRewardKind) {
    case 'none':
      return 0;
    case 'percent':
      assertMinor(program.friendRewardValue, 'friend reward');
      return Math.min(amountMinor, applyBps(amountMinor, Math.min(program.friendRewardValue, 10_000)));
    case 'flat':
      assertMinor(program.friendRewardValue, 'friend reward');
      return Math.min(program.friendRewardValue, amountMinor);
    default:
      throw new RangeError(`invalid friend reward kind: ${String(program.friendRewardKind)}`);
  }
}
