/**
 * The API's wire types as the SDK names them: aliases of the types generated from the worker's
 * OpenAPI document (`api-types.ts`, written by `npm run contract` from the worker's zod schemas), so
 * each shape is written once, in the worker, and a change that breaks the SDK fails its typecheck.
 * Types only: importing this module costs no bytes.
 */
import type { components } from './api-types.js';

type Schemas = components['schemas'];

export type ShopConfig = Schemas['ShopConfig'];
export type ProductConfig = Schemas['ProductConfig'];
export type ReferrerPublic = Schemas['Referrer'];
export type ReferrerCreated = Schemas['ReferrerCreated'];
export type ReferrerStats = Schemas['ReferrerStats'];
export type ClickRecorded = Schemas['ClickRecorded'];
export type ShareRecorded = Schemas['ShareRecorded'];
export type BrowserConversionResult = Schemas['BrowserConversionResult'];
export type Balances = Schemas['Balances'];
export type Channel = Schemas['Channel'];
export type Locale = Schemas['Locale'];
export type ApiErrorBody = Schemas['Error'];
export type FriendReward = ShopConfig['program']['friendReward'];
export type Team = Schemas['Team'];
export type TeamOfferView = Schemas['TeamOfferView'];
export type TeamJoined = Schemas['TeamJoined'];
export type TeamRecord = Schemas['TeamRecord'];

// The shop dashboard's shapes (sdk/src/dashboard).
export type Shop = Schemas['Shop'];
export type ShopUpdate = Schemas['ShopUpdate'];
export type Program = Schemas['Program'];
export type Session = Schemas['Session'];
export type Funnel = Schemas['Funnel'];
export type Leaderboard = Schemas['Leaderboard'];
export type Conversion = Schemas['Conversion'];
export type LedgerEntry = Schemas['LedgerEntry'];
export type ManagedReferrer = Schemas['ManagedReferrer'];
export type ReferrerUpdate = Schemas['ReferrerUpdate'];
export type ReferrerExport = Schemas['ReferrerExport'];
export type ReferrerDeleted = Schemas['ReferrerDeleted'];
export type DuePayouts = Schemas['DuePayouts'];
export type PayoutBatch = Schemas['PayoutBatch'];
export type DashboardToken = Schemas['DashboardToken'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
