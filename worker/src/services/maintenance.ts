/**
 * What the cron does every 5 minutes: the ledger's due work for every shop (bounded; each shop's
 * Durable Object alarm does its own shop's on time), the purge of idempotency keys older than 72 h,
 * the retention of personal click fields, the purge of old webhook events, open teams past their
 * deadline settled by their rooms (each room's alarm does it on time; this catches what the mirror
 * still shows open), a poke for every webhook sender with due events (after the ledger's and the
 * teams' work, which may have added some), and the deletion of dashboard sessions that ended a day
 * ago. None of it hashes, so a missing salt is logged and the work still runs.
 */
import type { Bindings } from '../app-env.js';
import { purgeExpiredKeys } from '../db/idempotency.js';
import { settleDue } from '../db/ledger.js';
import { pruneClickPersonalData } from '../db/retention.js';
import { purgeEndedSessions } from '../db/sessions.js';
import { purgeEvents } from '../db/webhooks.js';
import { logConfigurationProblem } from '../middleware/configuration.js';
import { settleOverdueTeams } from './teams.js';
import { pokeDueSenders } from './webhooks.js';

export async function runMaintenance(env: Bindings, now: number): Promise<void> {
  logConfigurationProblem(env, 'cron');
  await Promise.all([
    Promise.all([settleDue(env.DB, now, { rounds: 10 }), settleOverdueTeams(env, now)]).then(() => pokeDueSenders(env, now)),
    purgeExpiredKeys(env.DB, now),
    pruneClickPersonalData(env.DB, now),
    purgeEvents(env.DB, now),
    purgeEndedSessions(env.DB, now),
  ]);
}
