/**
 * The one error type of the API. Handlers throw `ApiError`; `onError` in index.ts turns it into
 * `{ error: { code, message, requestId } }` with its status. Codes are stable and documented in
 * ERROR_CODES: clients may switch on them.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_CODES = {
  invalid_request: 'The request body or parameters failed validation.',
  malformed_json: 'The body is not valid JSON.',
  unsupported_media_type: 'Send JSON with Content-Type: application/json.',
  payload_too_large: 'The body is larger than the API accepts.',
  unauthorized: 'Missing or unknown API key.',
  forbidden: 'This key may not call this endpoint.',
  origin_not_allowed: "The request's Origin is not one of the shop's allowed origins.",
  invalid_referrer_token: 'Missing or unknown referrer token.',
  not_found: 'No such resource.',
  route_not_found: 'No such endpoint.',
  method_not_allowed: 'This endpoint does not accept that method.',
  referrer_not_found: 'No active referrer has that code.',
  referrer_not_allowed: 'This shop does not let that referrer share.',
  vanity_code_taken: 'That vanity code is already used.',
  rate_limited: 'Too many requests; try again later.',
  currency_mismatch: "The currency is not the shop's currency.",
  unknown_currency: 'Not an ISO-4217 currency code.',
  unknown_product: 'An item names a product the shop does not sell.',
  order_conflict: 'That order id was already reported with different details.',
  idempotency_mismatch: 'That Idempotency-Key was used with a different request.',
  conversion_not_found: 'No conversion with that order id.',
  refund_exceeds_amount: 'Refunds would exceed the order amount.',
  refund_conflict: 'That refund id was already used with a different amount.',
  insufficient_available: 'The referrer has less available balance than requested.',
  invalid_amount: 'Amounts are positive integers in minor units.',
  amount_exceeds_catalogue: "A browser-reported amount is more than the catalogue's total for its items.",
  shop_limit_reached: "The order would take the shop's lifetime order total past its limit (9 × 10^15 minor units).",
  browser_conversions_disabled: 'This shop only accepts orders reported server-to-server.',
  invalid_claim_token: 'The buyer claim token is not valid.',
  claim_token_used: 'That buyer claim token was already used.',
  nothing_on_hold: 'That conversion has no commission on hold.',
  team_offer_not_found: 'That product has no active team offer.',
  team_not_found: 'No such team in this shop.',
  team_full: 'The team is full: start a new team instead.',
  team_expired: 'The team’s deadline has passed: start a new team instead.',
  team_closed: 'The team is complete or cancelled.',
  team_member_not_found: 'That member token is not a member of this team.',
  team_not_cancellable: 'Only the leader may cancel a team, and only before anyone joins.',
  team_order_conflict: 'That membership was already used for another order.',
  team_price_not_allowed:
    'The team price is allowed only for a current member of that team, on its product, at or above its price.',
  already_in_team: 'This person is already in another open team of this offer.',
  team_limit_reached: 'The offer has as many open teams as it allows.',
  csrf_failed: 'A dashboard change needs the X-CSRF-Token of its session, from the dashboard’s own origin.',
  session_expired: 'The dashboard session has ended (expired, signed out, or its token revoked); sign in again.',
  nothing_to_pay: 'No referrer is due a payout (available balance at or above the payout threshold, not in an open batch).',
  batch_not_open: 'That payout batch is not open any more.',
  payout_in_batch: 'The referrer is in an open payout batch; mark it paid or cancel it first.',
  referrer_deleted: 'That referrer deleted their identity.',
  internal_error: 'Something went wrong on our side.',
  server_misconfigured: 'The worker is missing a required secret (IP_HASH_SALT); its operator must set it.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** for 429s: sent as `Retry-After` (seconds, rounded up) */
  readonly retryAfterMs?: number;

  /**
   * @example throw new ApiError(404, 'referrer_not_found', `No referrer has the code ${code}.`)
   */
  constructor(status: ContentfulStatusCode, code: ErrorCode, message?: string, details?: unknown, retryAfterMs?: number) {
    super(message ?? ERROR_CODES[code]);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterMs = retryAfterMs;
  }
}
