/**
 * Units of time in milliseconds, defined once. Every time in ShareCart is milliseconds since the
 * epoch (UTC), passed in rather than read from a clock, so these are all the arithmetic needs.
 *
 * @example
 * const holdEndsAt = now + program.holdDays * DAY_MS;
 */

/** One second in milliseconds. */
export const SECOND_MS = 1_000;

/** One minute in milliseconds. */
export const MINUTE_MS = 60 * SECOND_MS;

/** One hour in milliseconds. */
export const HOUR_MS = 60 * MINUTE_MS;

/** One day in milliseconds (a UTC day: no leap seconds, no daylight saving). */
export const DAY_MS = 24 * HOUR_MS;
