/**
 * First-party storage: localStorage for the SDK, plus the `sc_ref` and `sc_team` cookies that the
 * shop's own server reads at checkout (written by `loader/capture.ts` and erased by `loader/consent.ts`, both fetched
 * on demand). Every write is refused while consent is required and not given; every access survives a
 * browser that blocks storage.
 */
import { allowed } from './runtime.js';

/** What the SDK keeps about the referral that brought this visitor. */
export interface Attribution {
  clickId: string;
  code: string;
  /** ms since epoch: the end of the attribution window */
  expires: number;
}

/** The stored record: the attribution plus what the banner greets with. */
export interface StoredReferral extends Attribution {
  /** the referrer's display name, when the click response gave one */
  name?: string | null;
  /** the friend reward, when known */
  reward?: { kind: 'none' | 'percent' | 'flat'; value: number };
}

/** A team this browser started or joined (team-buy): the member token goes to checkout. */
export interface TeamMembership {
  teamId: string;
  memberToken: string;
  sku: string;
  /** ms since epoch: until when it may be used at checkout */
  expires: number;
}

export const REF_KEY = 'sc_ref';
export const TOKEN_KEY = 'sc_rt';
export const VISITOR_KEY = 'sc_vid';
/**
 * This browser's newest team membership, with all of them (newest first) in `all` — written by
 * `<sc-team-buy>`, which reads its product's from `all`; the `sc_team` cookie mirrors the newest.
 */
export const TEAM_KEY = 'sc_team';

export function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

/** Writes (or with `null` removes) a value; returns false when not allowed or not possible. */
export function write(key: string, value: unknown): boolean {
  if (!allowed()) return false;
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/** What is kept under `key`, unless it has expired. */
const unexpired = <T extends { expires: number }>(key: string): T | null => {
  const r = read<T>(key);
  return r && r.expires > Date.now() ? r : null;
};

/** The current, unexpired attribution (localStorage; the `sc_ref` cookie mirrors it for the server). */
export const storedReferral = (): StoredReferral | null => unexpired(REF_KEY);

/** This browser's newest unexpired team membership, or null (`ShareCart.team()`). */
export const storedTeam = (): TeamMembership | null => unexpired(TEAM_KEY);

/**
 * Fills the checkout fields of the page: every `<input name="sharecart_click">` with the current
 * click id, every `<input name="sharecart_team">` with the member token of this browser's newest team.
 */
export function fillInputs(clickId = storedReferral()?.clickId): void {
  const values: Record<string, string | undefined> = { sharecart_click: clickId, sharecart_team: storedTeam()?.memberToken };
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name^=sharecart_]'))
    if (values[input.name]) input.value = values[input.name]!;
}
