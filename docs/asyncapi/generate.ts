/**
 * Generates, from catalog.ts (and through it the SDK's TypeBox schemas):
 * - docs/asyncapi/<dialect>.json — one AsyncAPI 3.0 document per dialect;
 * - the "Messages" field tables of docs/protocols/<dialect>.md, between the
 *   `<!-- generated:messages -->` markers (the prose around them is hand-written).
 *
 *   npm run docs:generate        (writes the files)
 *
 * asyncapi.test.ts fails when a committed file differs from what this produces.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ISO_8601_PATTERN } from '../../packages/sdk/src/core/timestamp.js';
import { CATALOG, type CatalogDialect, type CatalogMessage } from './catalog.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(`${ROOT}packages/sdk/package.json`, 'utf8')) as { version: string }).version;
export const BEGIN = '<!-- generated:messages (npm run docs:generate) -->';
export const END = '<!-- /generated:messages -->';

type Json = Record<string, unknown>;

/** The schema as plain JSON (TypeBox's symbol-keyed metadata dropped). */
const plain = (s: unknown): Json => JSON.parse(JSON.stringify(s)) as Json;

const opId = (m: CatalogMessage) => `${m.direction}${m.wire.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_, __, c: string) => c.toUpperCase())}`;
const msgKey = (m: CatalogMessage) => m.wire.replace(/[^a-zA-Z0-9]+/g, '_');

/** The AsyncAPI 3.0 document of one dialect, from the client's point of view. */
export function asyncapiDocument(d: CatalogDialect): Json {
  const channels: Json = {};
  const operations: Json = {};
  for (const ch of d.channels) {
    const messages: Json = {};
    for (const m of ch.messages) {
      messages[msgKey(m)] = { name: m.wire, title: m.wire, summary: m.summary, contentType: 'application/json', payload: plain(m.schema) };
      if (m.ack) messages[`${msgKey(m)}_ack`] = { name: `${m.wire} ack`, summary: `The acknowledgement of ${m.wire}.`, contentType: 'application/json', payload: plain(m.ack) };
    }
    channels[ch.id] = {
      address: ch.address,
      description: ch.description,
      ...(ch.parameters ? { parameters: Object.fromEntries(Object.entries(ch.parameters).map(([k, v]) => [k, { description: v }])) } : {}),
      messages,
    };
    for (const m of ch.messages) {
      const ref = (key: string) => ({ $ref: `#/channels/${ch.id}/messages/${key}` });
      operations[`${ch.id}_${opId(m)}`] = {
        action: m.direction,
        channel: { $ref: `#/channels/${ch.id}` },
        summary: m.summary,
        messages: [ref(msgKey(m))],
        ...(m.ack ? { reply: { channel: { $ref: `#/channels/${ch.id}` }, messages: [ref(`${msgKey(m)}_ack`)] } } : {}),
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: d.title,
      version: VERSION,
      description: `${d.description}\n\nWritten from the client's side (the agent or dashboard of @fleetwire/sdk): \`send\` is client → control plane, \`receive\` is control plane → client. Generated from the SDK's TypeBox schemas by docs/asyncapi/generate.ts; the prose is docs/protocols/${d.name}.md.`,
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: { mock: { host: `127.0.0.1:${d.port}`, protocol: 'ws', description: "The fleetwire mock backend's default port for this dialect." } },
    channels,
    operations,
  };
}

// ── Markdown field tables ─────────────────────────────────────────────────

function typeOf(s: Json): string {
  if ('const' in s) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).map(typeOf).join(' \\| ');
  const t = s.type as string | undefined;
  if (t === 'array') return `${typeOf((s.items as Json) ?? {})}[]`;
  if (t === 'object' && s.patternProperties) return `map of ${typeOf(Object.values(s.patternProperties as Json)[0] as Json)}`;
  return t ?? 'any';
}

function notes(s: Json): string {
  const n: string[] = [];
  if (s.minLength === 1) n.push('non-empty');
  if (typeof s.pattern === 'string' && s.pattern === ISO_8601_PATTERN) n.push('ISO 8601 date-time');
  else if (typeof s.pattern === 'string') n.push(`matches \`${s.pattern}\``);
  if (typeof s.minimum === 'number') n.push(`≥ ${s.minimum}`);
  if (typeof s.maximum === 'number') n.push(`≤ ${s.maximum}`);
  return n.join(', ');
}

/** One row per field, nested objects and array items flattened to dotted paths. */
function rows(s: Json, prefix: string, out: string[]): void {
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  for (const [k, v] of Object.entries(props)) {
    const path = `${prefix}${k}`;
    out.push(`| \`${path}\` | ${typeOf(v)} | ${required.has(k) ? 'yes' : 'no'} | ${notes(v)} |`);
    if (v.type === 'object' && v.properties && Object.keys(v.properties).length) rows(v, `${path}.`, out);
    const items = v.items as Json | undefined;
    if (v.type === 'array' && items?.type === 'object' && items.properties) rows(items, `${path}[].`, out);
  }
}

/** `{ success: true }` from `{ success: boolean }`: an example value per required field. */
function ackExample(s: Json): Json {
  const props = (s.properties ?? {}) as Record<string, Json>;
  return Object.fromEntries(Object.keys(props).map((k) => [k, props[k]!.type === 'boolean' ? true : props[k]!.type === 'string' ? '' : 0]));
}

function messageTable(m: CatalogMessage): string {
  const arrow = m.direction === 'send' ? 'client → control plane' : 'control plane → client';
  const out = [`#### \`${m.wire}\` (${arrow})`, '', m.summary, '', '| field | type | required | notes |', '|---|---|---|---|'];
  rows(plain(m.schema), '', out);
  if (m.ack) out.push('', `The receiver answers with a Socket.IO ack: \`${JSON.stringify(ackExample(plain(m.ack)))}\`.`);
  return out.join('\n');
}

/** The generated block of docs/protocols/<dialect>.md. */
export function messagesMarkdown(d: CatalogDialect): string {
  const parts = [BEGIN, ''];
  for (const ch of d.channels) {
    parts.push(`### \`${ch.address}\``, '', ch.description, '');
    for (const m of ch.messages) parts.push(messageTable(m), '');
  }
  parts.push('Extra fields are accepted everywhere (a newer peer must not break an older one); a missing or mistyped required field is a protocol error.', '', END);
  return parts.join('\n');
}

/** Every generated file: path (from the repo root) → expected content. Pages get their block replaced. */
export function generated(): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of CATALOG) {
    files.set(`docs/asyncapi/${d.name}.json`, `${JSON.stringify(asyncapiDocument(d), null, 2)}\n`);
    const page = `docs/protocols/${d.name}.md`;
    const text = readFileSync(ROOT + page, 'utf8');
    const a = text.indexOf(BEGIN);
    const b = text.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${page}: the ${BEGIN} … ${END} markers are missing`);
    files.set(page, text.slice(0, a) + messagesMarkdown(d) + text.slice(b + END.length));
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [path, content] of generated()) writeFileSync(ROOT + path, content);
  console.log(`wrote ${CATALOG.length} AsyncAPI documents and ${CATALOG.length} message sections`);
}
