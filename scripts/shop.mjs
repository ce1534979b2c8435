#!/usr/bin/env node
// `npm run shop -- --name "My Shop" --currency HKD --site https://myshop.example/ --origin https://myshop.example`
// Creates a shop through the admin API of a running worker (default: the local one from `npm start`;
// `--api https://…` and ADMIN_TOKEN=… for a deployed one) and prints its keys. The secret key is shown
// once: store it on the shop's server.
import { parseArgs } from 'node:util';
import { ensureDevVars } from './lib/wrangler-dev.mjs';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: process.env.SHARECART_API ?? 'http://127.0.0.1:8787' },
    name: { type: 'string' },
    currency: { type: 'string', default: 'HKD' },
    locale: { type: 'string', default: 'en' },
    site: { type: 'string' },
    origin: { type: 'string', multiple: true, default: [] },
    rate: { type: 'string', default: '1000' },
    'hold-days': { type: 'string', default: '30' },
    'window-days': { type: 'string', default: '30' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !values.name || !values.site) {
  console.log(`usage: npm run shop -- --name NAME --site URL [--origin ORIGIN …] [--currency HKD] [--locale en|zh-Hant-HK|zh-Hans]
                     [--rate BPS (1000 = 10%)] [--hold-days 30] [--window-days 30] [--api ${values.api}]
The admin token comes from ADMIN_TOKEN, or for a local worker from .dev.vars.`);
  process.exit(values.help ? 0 : 2);
}
const api = values.api.replace(/\/+$/, '');
if (!URL.canParse(api)) {
  console.error(`--api must be the worker's URL, e.g. https://sharecart.example.workers.dev (got "${values.api}")`);
  process.exit(2);
}
const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(api).hostname);
// The local admin token (.dev.vars) only ever goes to the local worker.
if (!process.env.ADMIN_TOKEN && !local) {
  console.error(`Set ADMIN_TOKEN to the value you gave \`wrangler secret put ADMIN_TOKEN\` for ${api}:
  ADMIN_TOKEN=… npm run shop -- --api ${api} --name …`);
  process.exit(2);
}
const token = process.env.ADMIN_TOKEN ?? ensureDevVars().ADMIN_TOKEN;
const res = await fetch(`${api}/v1/admin/shops`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({
    name: values.name,
    currency: values.currency,
    locale: values.locale,
    siteUrl: values.site,
    allowedOrigins: values.origin,
    program: {
      kind: 'percent',
      rateBps: Number(values.rate),
      holdDays: Number(values['hold-days']),
      windowDays: Number(values['window-days']),
    },
  }),
}).catch((error) => {
  console.error(`Cannot reach ${api}: is the worker running (npm start)? ${error.message}`);
  process.exit(1);
});
const body = await res.json();
if (!res.ok) {
  console.error(`${res.status} ${body.error?.code}: ${body.error?.message}`);
  process.exit(1);
}
console.log(`Shop ${body.shop.id} (${body.shop.name}, ${body.shop.currency})
  publishable key  ${body.publishableKey}
  secret key       ${body.secretKey}   ← shown once
  webhook secret   ${body.webhookSecret}
  allowed origins  ${body.shop.allowedOrigins.join(', ') || '(none yet)'}

<script type="module" src="${api}/sdk/sharecart.js" data-shop="${body.publishableKey}"></script>`);
