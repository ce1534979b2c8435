#!/usr/bin/env node
// `npm run shop -- <command>`: set up and change a shop from the command line, through the API of a
// running worker — the local one from `npm start` by default, or `--api https://…` (then the admin
// token comes from ADMIN_TOKEN; locally from .dev.vars). `npm run shop -- help` lists the commands.
//
//   create            a shop: prints its publishable key, secret key (once), webhook secret, a
//                     dashboard sign-in link (when the worker has dashboards) and the script tag
//   keys rotate       a new publishable or secret key (the old one stops at once), or webhook secret
//   origins add|remove  the sites allowed to use the publishable key
//   program set       the commission: rate or flat amount, cap, hold days, window, attribution model
//   products import   a CSV of products (papaparse), validated whole before anything is sent
//   webhook set       where events are delivered (or `none`)
//
// Shop owner's commands (program, products, webhook) take the shop's secret key from
// SHARECART_SECRET_KEY (or --secret-key); operator commands (create, keys, origins) the admin token.
// Bad arguments print what is wrong and exit 2; a refused request prints the API's error and exits 1.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { ensureDevVars } from './lib/wrangler-dev.mjs';

const USAGE = `usage: npm run shop -- <command> [options]          (--api URL: the worker, default http://127.0.0.1:8787)

  create --name NAME --origin https://shop.example [--origin …] [--currency HKD] [--site URL]
         [--locale en|zh-Hant-HK|zh-Hans] [--rate BPS | --flat MINOR] [--cap MINOR] [--hold-days 30]
         [--window-days 30] [--model last_click|first_click] [--webhook-url URL] [--json]
  keys rotate --shop SHOP_ID --kind publishable|secret|both|webhook [--overlap-hours 24] [--json]
  origins add|remove --shop SHOP_ID ORIGIN [ORIGIN …] [--json]
  program set [--rate BPS | --flat MINOR] [--cap MINOR|none] [--hold-days N] [--window-days N]
              [--model last_click|first_click] [--json]
  products import FILE.csv [--json]
  webhook set URL|none [--json]

BPS are basis points (1000 = 10%); MINOR are integer minor units (HK$168.00 = 16800).
create, keys and origins use the admin token: ADMIN_TOKEN, or .dev.vars for a local worker.
program, products and webhook use the shop's secret key: SHARECART_SECRET_KEY (or --secret-key).
products.csv has a header row: sku,name,price_minor and optionally name_zh_hant_hk, name_zh_hans, url,
image_url, active (true/false), commission_bps or commission_flat_minor (a per-product override).`;

/** A mistake in the command line: printed with a hint, exit code 2. */
class UsageError extends Error {}
/** The worker refused or could not be reached: exit code 1. */
class RequestError extends Error {}

const OPTIONS = {
  api: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'secret-key': { type: 'string' },
  // create
  name: { type: 'string' },
  origin: { type: 'string', multiple: true },
  currency: { type: 'string' },
  site: { type: 'string' },
  locale: { type: 'string' },
  'webhook-url': { type: 'string' },
  // program (and create)
  rate: { type: 'string' },
  flat: { type: 'string' },
  cap: { type: 'string' },
  'hold-days': { type: 'string' },
  'window-days': { type: 'string' },
  model: { type: 'string' },
  // keys, origins
  shop: { type: 'string' },
  kind: { type: 'string' },
  'overlap-hours': { type: 'string' },
};

/** Which options each command takes (besides api, json, help). */
const ALLOWED = {
  create: [
    'name',
    'origin',
    'currency',
    'site',
    'locale',
    'webhook-url',
    'rate',
    'flat',
    'cap',
    'hold-days',
    'window-days',
    'model',
  ],
  'keys rotate': ['shop', 'kind', 'overlap-hours'],
  'origins add': ['shop'],
  'origins remove': ['shop'],
  'program set': ['rate', 'flat', 'cap', 'hold-days', 'window-days', 'model', 'secret-key'],
  'products import': ['secret-key'],
  'webhook set': ['secret-key'],
};

function integer(values, option, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const raw = values[option];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(`--${option} must be a whole number from ${min} to ${max} (got "${raw}")`);
  return Number(raw);
}

function oneOf(values, option, choices) {
  const raw = values[option];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw)) throw new UsageError(`--${option} must be one of ${choices.join(', ')} (got "${raw}")`);
  return raw;
}

function httpsUrl(value, what) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} must be an absolute URL such as https://shop.example (got "${value}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${what} must be http(s) (got "${value}")`);
  return url;
}

function origin(value) {
  const url = httpsUrl(value, 'an origin');
  if (url.origin !== value.replace(/\/$/, ''))
    throw new UsageError(`an origin is scheme://host[:port] with no path (got "${value}")`);
  return url.origin;
}

/** The program fields given on the command line (create, program set). */
function programOf(values) {
  const program = {};
  if (values.rate !== undefined && values.flat !== undefined) throw new UsageError('give --rate or --flat, not both');
  const rate = integer(values, 'rate', { max: 10_000 });
  const flat = integer(values, 'flat');
  if (rate !== undefined) Object.assign(program, { kind: 'percent', rateBps: rate });
  if (flat !== undefined) Object.assign(program, { kind: 'flat', flatMinor: flat });
  if (values.cap === 'none') program.capMinor = null;
  else if (values.cap !== undefined) program.capMinor = integer(values, 'cap');
  const hold = integer(values, 'hold-days', { max: 365 });
  const windowDays = integer(values, 'window-days', { min: 1, max: 365 });
  const model = oneOf(values, 'model', ['last_click', 'first_click']);
  if (hold !== undefined) program.holdDays = hold;
  if (windowDays !== undefined) program.windowDays = windowDays;
  if (model !== undefined) program.model = model;
  return program;
}

function parseCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message.replace(/\. To specify a positional.*$/s, ''));
  }
  const { values, positionals } = parsed;
  // `npm run shop -- --name …` (no command) is `create`, as before commands existed
  const words = positionals.length === 0 && values.name !== undefined ? ['create'] : positionals;
  const [first, second] = words;
  const command = first === 'create' || first === 'help' ? first : first && second ? `${first} ${second}` : first;
  return { command, args: words.slice(command?.split(' ').length ?? 0), values };
}

function client(values, auth) {
  const api = (values.api ?? process.env.SHARECART_API ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  httpsUrl(api, '--api');
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(api).hostname);
  let token;
  if (auth === 'admin') {
    // the local admin token (.dev.vars) only ever goes to the local worker
    if (!process.env.ADMIN_TOKEN && !local)
      throw new UsageError(`set ADMIN_TOKEN to the value you gave \`wrangler secret put ADMIN_TOKEN\` for ${api}`);
    token = process.env.ADMIN_TOKEN ?? ensureDevVars().ADMIN_TOKEN;
  } else {
    token = values['secret-key'] ?? process.env.SHARECART_SECRET_KEY;
    if (!token) throw new UsageError("set SHARECART_SECRET_KEY to the shop's secret key (sk_…), or pass --secret-key");
    if (!token.startsWith('sk_'))
      throw new UsageError('the secret key starts with sk_ (the publishable key pk_… cannot change a shop)');
  }
  /** One API call; throws RequestError with the API's error code and message. */
  const call = async (method, path, body, { allow = [] } = {}) => {
    let res;
    try {
      res = await fetch(`${api}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        redirect: 'error',
      });
    } catch (error) {
      throw new RequestError(`cannot reach ${api}: is the worker running (npm start)? ${error.cause?.message ?? error.message}`);
    }
    const answer = await res.json().catch(() => null);
    if (res.ok || allow.includes(res.status)) return { status: res.status, body: answer };
    const e = answer?.error;
    const issues = e?.details?.issues?.map((i) => `\n  ${i.path}: ${i.message}`).join('') ?? '';
    throw new RequestError(`${method} ${path}: ${res.status} ${e?.code ?? 'error'}: ${e?.message ?? res.statusText}${issues}`);
  };
  return { api, call };
}

/**
 * The seam to the dashboard (issue 7 §2, which owns dashboard tokens): a sign-in link for a new shop,
 * from `POST /v1/admin/shops/{id}/dashboard-tokens` (answers `{ token, signInUrl }`, the token in the
 * link's fragment). A worker without the dashboard answers 404 `route_not_found`: then there is no
 * link, and `missing` says so instead of inventing one.
 * @returns {Promise<{ url: string, missing: null } | { url: null, missing: string }>}
 */
async function dashboardSignInLink(call, shopId) {
  const { status, body } = await call(
    'POST',
    `/v1/admin/shops/${encodeURIComponent(shopId)}/dashboard-tokens`,
    { label: 'Created by npm run shop' },
    { allow: [404] },
  );
  if (status === 201 && typeof body?.signInUrl === 'string') return { url: body.signInUrl, missing: null };
  return { url: null, missing: '(this worker has no dashboard yet: no sign-in link)' };
}

const scriptTag = (api, pk) => `<script type="module" src="${api}/sdk/sharecart.js" data-shop="${pk}"></script>`;

async function create(values, print) {
  if (!values.name) throw new UsageError('create needs --name "Your shop"');
  const origins = (values.origin ?? []).map(origin);
  if (origins.length === 0 && !values.site)
    throw new UsageError('create needs --origin https://your-shop.example (the site that shows the widgets)');
  const site = values.site ?? `${origins[0]}/`;
  httpsUrl(site, '--site');
  const currency = values.currency ?? 'HKD';
  if (!/^[A-Z]{3}$/.test(currency))
    throw new UsageError(`--currency is an ISO-4217 code in capitals, e.g. HKD (got "${currency}")`);
  const locale = oneOf(values, 'locale', ['en', 'zh-Hant-HK', 'zh-Hans']) ?? 'en';
  const program = { kind: 'percent', rateBps: 1000, holdDays: 30, windowDays: 30, ...programOf(values) };
  const { api, call } = client(values, 'admin');
  const { body } = await call('POST', '/v1/admin/shops', {
    name: values.name,
    currency,
    locale,
    siteUrl: site,
    allowedOrigins: origins,
    program,
    ...(values['webhook-url'] ? { webhookUrl: values['webhook-url'] } : {}),
  });
  const shop = body.shop;
  const dashboard = await dashboardSignInLink(call, shop.id);
  const signInUrl = dashboard.url;
  const tag = scriptTag(api, body.publishableKey);
  if (values.json) return print(JSON.stringify({ ...body, signInUrl, scriptTag: tag }, null, 2));
  print(`Shop ${shop.id} (${shop.name}, ${shop.currency})
  publishable key  ${body.publishableKey}
  secret key       ${body.secretKey}   ← shown once: keep it on your shop's server
  webhook secret   ${body.webhookSecret}
  allowed origins  ${shop.allowedOrigins.join(', ') || '(none yet: npm run shop -- origins add …)'}
  webhook URL      ${shop.webhookUrl ?? '(none yet: npm run shop -- webhook set https://…)'}
  dashboard        ${signInUrl ? `${signInUrl}   ← sign-in link, shown once` : dashboard.missing}

Paste this on your pages:
${tag}`);
}

async function rotate(values, print) {
  if (!values.shop) throw new UsageError('keys rotate needs --shop SHOP_ID');
  const kind = oneOf(values, 'kind', ['publishable', 'secret', 'both', 'webhook']);
  if (!kind) throw new UsageError('keys rotate needs --kind publishable, secret, both or webhook');
  const overlapHours = integer(values, 'overlap-hours', { max: 168 });
  if (overlapHours !== undefined && kind !== 'webhook') throw new UsageError('--overlap-hours is only for --kind webhook');
  const { api, call } = client(values, 'admin');
  const { body } = await call('POST', `/v1/admin/shops/${encodeURIComponent(values.shop)}/keys/rotate`, {
    kind,
    ...(overlapHours !== undefined ? { overlapHours } : {}),
  });
  if (values.json) return print(JSON.stringify(body, null, 2));
  const lines = [];
  if (body.publishableKey)
    lines.push(
      `  publishable key  ${body.publishableKey}   (the old one stopped working)`,
      `  ${scriptTag(api, body.publishableKey)}`,
    );
  if (body.secretKey) lines.push(`  secret key       ${body.secretKey}   ← shown once (the old one stopped working)`);
  if (body.webhookSecret)
    lines.push(`  webhook secret   ${body.webhookSecret}   (the old one also signs for ${overlapHours ?? 24} h)`);
  print(`New keys of ${values.shop}\n${lines.join('\n')}`);
}

async function origins(action, values, args, print) {
  if (!values.shop) throw new UsageError(`origins ${action} needs --shop SHOP_ID`);
  if (args.length === 0) throw new UsageError(`origins ${action} needs at least one origin, e.g. https://shop.example`);
  const given = args.map(origin);
  const { call } = client(values, 'admin');
  const path = `/v1/admin/shops/${encodeURIComponent(values.shop)}`;
  const current = (await call('GET', path)).body.shop.allowedOrigins;
  const next = action === 'add' ? [...new Set([...current, ...given])] : current.filter((o) => !given.includes(o.toLowerCase()));
  const { body } = await call('PUT', `${path}/origins`, { origins: next });
  if (values.json) return print(JSON.stringify(body, null, 2));
  print(`Allowed origins of ${body.shop.id}: ${body.shop.allowedOrigins.join(', ') || '(none)'}`);
}

async function setProgram(values, print) {
  const update = programOf(values);
  if (Object.keys(update).length === 0)
    throw new UsageError('program set needs at least one of --rate, --flat, --cap, --hold-days, --window-days, --model');
  const { call } = client(values, 'secret');
  const { body } = await call('PUT', '/v1/program', update);
  if (values.json) return print(JSON.stringify(body, null, 2));
  const p = body.program;
  const rule = p.kind === 'percent' ? `${p.rateBps / 100}% (${p.rateBps} bps)` : `${p.flatMinor} minor units per order`;
  print(`Program: ${rule}, cap ${p.capMinor ?? 'none'}, held ${p.holdDays} days, ${p.windowDays}-day window, ${p.model}`);
}

const CSV_COLUMNS = [
  'sku',
  'name',
  'price_minor',
  'name_zh_hant_hk',
  'name_zh_hans',
  'url',
  'image_url',
  'active',
  'commission_bps',
  'commission_flat_minor',
];

/** The products of a CSV file, all checked before any is sent; throws UsageError naming each bad row. */
function productsFromCsv(text) {
  const parsed = Papa.parse(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  const problems = parsed.errors.map((e) => `row ${(e.row ?? 0) + 2}: ${e.message}`);
  const fields = parsed.meta.fields ?? [];
  const unknown = fields.filter((f) => !CSV_COLUMNS.includes(f));
  if (unknown.length)
    problems.push(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${CSV_COLUMNS.join(', ')})`);
  for (const required of ['sku', 'name', 'price_minor'])
    if (!fields.includes(required)) problems.push(`the header row has no ${required} column`);
  if (problems.length) throw new UsageError(`products CSV:\n  ${problems.join('\n  ')}`);
  const products = [];
  const seen = new Set();
  for (const [i, row] of parsed.data.entries()) {
    const where = `row ${i + 2}`;
    const cell = (name) => (row[name] ?? '').trim();
    const bad = (message) => problems.push(`${where}: ${message}`);
    const sku = cell('sku');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(sku)) bad(`sku "${sku}" must be letters, digits, "." "_" "-" (at most 64)`);
    else if (seen.has(sku)) bad(`sku ${sku} appears twice`);
    seen.add(sku);
    if (!cell('name')) bad('name is empty');
    if (!/^\d{1,16}$/.test(cell('price_minor')))
      bad(`price_minor "${cell('price_minor')}" must be whole minor units (HK$168.00 → 16800)`);
    const product = { name: cell('name'), priceMinor: Number(cell('price_minor')) };
    const names = {};
    if (cell('name_zh_hant_hk')) names['zh-Hant-HK'] = cell('name_zh_hant_hk');
    if (cell('name_zh_hans')) names['zh-Hans'] = cell('name_zh_hans');
    if (Object.keys(names).length) product.names = names;
    if (cell('url')) product.url = cell('url');
    if (cell('image_url')) product.imageUrl = cell('image_url');
    if (cell('active')) {
      const active = { true: true, yes: true, 1: true, false: false, no: false, 0: false }[cell('active').toLowerCase()];
      if (active === undefined) bad(`active "${cell('active')}" must be true or false`);
      product.active = active;
    }
    if (cell('commission_bps') && cell('commission_flat_minor')) bad('give commission_bps or commission_flat_minor, not both');
    else if (cell('commission_bps')) {
      if (!/^\d+$/.test(cell('commission_bps')) || Number(cell('commission_bps')) > 10_000)
        bad(`commission_bps "${cell('commission_bps')}" must be 0 to 10000 (1500 = 15%)`);
      product.override = { kind: 'percent', value: Number(cell('commission_bps')) };
    } else if (cell('commission_flat_minor')) {
      if (!/^\d{1,16}$/.test(cell('commission_flat_minor')))
        bad(`commission_flat_minor "${cell('commission_flat_minor')}" must be whole minor units`);
      product.override = { kind: 'flat', value: Number(cell('commission_flat_minor')) };
    }
    products.push({ sku, product });
  }
  if (products.length === 0) problems.push('no products: the file has a header row only');
  if (problems.length) throw new UsageError(`products CSV (nothing was sent):\n  ${problems.join('\n  ')}`);
  return products;
}

async function importProducts(values, args, print) {
  if (args.length !== 1) throw new UsageError('products import needs one CSV file: npm run shop -- products import products.csv');
  let text;
  try {
    text = readFileSync(args[0], 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${args[0]}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  }
  const products = productsFromCsv(text);
  const { call } = client(values, 'secret');
  const written = [];
  for (const { sku, product } of products) {
    try {
      written.push((await call('PUT', `/v1/products/${encodeURIComponent(sku)}`, product)).body.product);
    } catch (error) {
      // each PUT replaces its product: running the import again is safe
      throw new RequestError(
        `${error.message}\n(${written.length} of ${products.length} products were imported before ${sku}; fix it and run the import again)`,
      );
    }
  }
  if (values.json) return print(JSON.stringify({ data: written }, null, 2));
  print(
    `Imported ${written.length} products:\n${written.map((p) => `  ${p.sku.padEnd(24)} ${String(p.priceMinor).padStart(10)} ${p.currency}  earns ${p.earnMinor}`).join('\n')}`,
  );
}

async function setWebhook(values, args, print) {
  if (args.length !== 1) throw new UsageError('webhook set needs a URL (https://…) or none');
  const url = args[0] === 'none' ? null : httpsUrl(args[0], 'the webhook URL').href;
  const { call } = client(values, 'secret');
  const { body } = await call('PUT', '/v1/webhooks', { url });
  if (values.json) return print(JSON.stringify(body, null, 2));
  print(body.endpoint.url ? `Webhooks go to ${body.endpoint.url}` : 'Webhooks are off (events are kept 3 days).');
}

/** Runs one command line; resolves to the exit code. `print` receives what goes to stdout. */
async function main(argv, { print = console.log, printError = console.error } = {}) {
  try {
    const { command, args, values } = parseCommandLine(argv);
    if (values.help || command === 'help' || command === undefined) {
      (command === undefined && !values.help ? printError : print)(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    if (!(command in ALLOWED)) {
      const subcommands = Object.keys(ALLOWED).filter((c) => c.startsWith(`${command.split(' ')[0]} `));
      throw new UsageError(
        subcommands.length
          ? `"${command}": say ${subcommands.map((c) => `\`${c}\``).join(' or ')}`
          : `unknown command "${command}"`,
      );
    }
    const extra = Object.keys(values).filter((k) => !['api', 'json', 'help', ...ALLOWED[command]].includes(k));
    if (extra.length) throw new UsageError(`${command} does not take ${extra.map((k) => `--${k}`).join(', ')}`);
    if (command !== 'products import' && !command.startsWith('origins') && command !== 'webhook set' && args.length)
      throw new UsageError(`${command} takes no argument "${args[0]}"`);
    if (command === 'create') await create(values, print);
    else if (command === 'keys rotate') await rotate(values, print);
    else if (command === 'origins add') await origins('add', values, args, print);
    else if (command === 'origins remove') await origins('remove', values, args, print);
    else if (command === 'program set') await setProgram(values, print);
    else if (command === 'products import') await importProducts(values, args, print);
    else if (command === 'webhook set') await setWebhook(values, args, print);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      printError(`error: ${error.message}\n(npm run shop -- help lists the commands)`);
      return 2;
    }
    if (error instanceof RequestError) {
      printError(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
