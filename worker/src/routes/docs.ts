/**
 * The API reference page: rendered on the server from the same OpenAPI document that /openapi.json
 * serves (which is generated from the validating schemas). No CDN, no script: works offline and
 * under a strict CSP.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { ERROR_CODES } from '../errors.js';

type Doc = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
};
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, unknown>>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string }>;
  responses?: Record<string, { description?: string }>;
};

const KEY_LABEL: Record<string, string> = {
  publishableKey: 'publishable key (pk_…)',
  secretKey: 'secret key (sk_…)',
  adminToken: 'admin token',
};

function schemaText(schema: unknown, doc: Doc, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 6) return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref) return schemaText(doc.components?.schemas?.[ref.split('/').pop()!], doc, depth + 1);
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' && s.properties) {
    const out: Record<string, unknown> = {};
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries(s.properties as Record<string, unknown>)) {
      out[required.has(k) ? k : `${k}?`] = schemaText(v, doc, depth + 1);
    }
    return out;
  }
  if (s.type === 'array') return [schemaText(s.items, doc, depth + 1)];
  if (s.enum) return (s.enum as unknown[]).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join('|') : String(s.type ?? (s.anyOf ? 'any of' : 'any'));
  return `${t}${s.nullable ? ' | null' : ''}${s.description ? ` — ${s.description}` : ''}`;
}

export function renderReference(doc: Doc): HtmlEscapedString | Promise<HtmlEscapedString> {
  const byTag = new Map<string, Array<{ method: string; path: string; op: Operation }>>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method: method.toUpperCase(), path, op }]);
    }
  }
  const anchor = (m: string, p: string) => `${m}-${p}`.replace(/[^A-Za-z0-9]+/g, '-');
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title} — API reference</title>
<style>
  :root { color-scheme: light dark; --accent: #c2410c; font-family: system-ui, -apple-system, "Noto Sans TC", sans-serif; }
  body { margin: 0; display: grid; grid-template-columns: 260px 1fr; min-height: 100vh; }
  nav { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 1rem; border-right: 1px solid #8884; font-size: .9rem; }
  nav a { display: block; padding: .15rem 0; color: inherit; text-decoration: none; }
  nav h3 { margin: 1rem 0 .25rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; opacity: .7; }
  main { padding: 1.5rem 2rem; max-width: 960px; }
  section.op { border: 1px solid #8884; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
  .m { display: inline-block; min-width: 4.2em; font: 700 .8rem ui-monospace, monospace; padding: .15rem .4rem; border-radius: 4px; background: #8882; }
  .m.POST { background: #16a34a33; } .m.GET { background: #2563eb33; } .m.PUT { background: #ca8a0433; }
  code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
  pre { background: #8881; padding: .75rem; border-radius: 6px; overflow: auto; }
  .key { font-size: .85rem; opacity: .8; }
  table { border-collapse: collapse; } td, th { text-align: left; padding: .2rem .6rem; border-bottom: 1px solid #8883; font-size: .9rem; }
  @media (max-width: 800px) { body { grid-template-columns: 1fr; } nav { position: static; height: auto; } }
</style>
</head>
<body>
<nav aria-label="Endpoints">
  <strong>${doc.info.title}</strong> <small>v${doc.info.version}</small>
  <a href="/openapi.json">openapi.json</a>
  ${[...byTag].map(([tag, ops]) => html`<h3>${tag}</h3>${ops.map((o) => html`<a href="#${anchor(o.method, o.path)}"><span class="m ${o.method}">${o.method}</span> ${o.path}</a>`)}`)}
  <h3>Reference</h3><a href="#errors">Error codes</a>
</nav>
<main>
  <h1>${doc.info.title}</h1>
  ${raw(doc.info.description ?? '')}
  ${[...byTag].map(
    ([tag, ops]) =>
      html`<h2>${tag}</h2>${ops.map(({ method, path, op }) => {
        const body = op.requestBody?.content?.['application/json']?.schema;
        const params = op.parameters ?? [];
        return html`<section class="op" id="${anchor(method, path)}">
      <h3><span class="m ${method}">${method}</span> <code>${path}</code></h3>
      <p>${op.summary ?? ''}</p>
      ${op.description ? html`<p>${op.description}</p>` : ''}
      <p class="key">Auth: ${
        (op.security ?? [])
          .map((s) =>
            Object.keys(s)
              .map((k) => KEY_LABEL[k] ?? k)
              .join(', '),
          )
          .join(' or ') || 'none'
      }</p>
      ${params.length ? html`<table><tr><th>Parameter</th><th>In</th><th>Description</th></tr>${params.map((p) => html`<tr><td><code>${p.name}${p.required ? '' : '?'}</code></td><td>${p.in}</td><td>${p.description ?? ''}</td></tr>`)}</table>` : ''}
      ${body ? html`<h4>Body</h4><pre tabindex="0">${JSON.stringify(schemaText(body, doc), null, 2)}</pre>` : ''}
      <h4>Responses</h4>
      <table>${Object.entries(op.responses ?? {}).map(([status, r]) => html`<tr><td><code>${status}</code></td><td>${r.description ?? ''}</td></tr>`)}</table>
    </section>`;
      })}`,
  )}
  <h2 id="errors">Error codes</h2>
  <p>Every error is <code>{ "error": { "code", "message", "requestId" } }</code> with a 4xx status (5xx only for our own faults). Switch on <code>code</code>; it is stable.</p>
  <table>${Object.entries(ERROR_CODES).map(([code, text]) => html`<tr><td><code>${code}</code></td><td>${text}</td></tr>`)}</table>
</main>
</body>
</html>`;
}
