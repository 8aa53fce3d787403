import { createHash } from 'node:crypto';
import type { StoredEvent } from './events.js';

/**
 * RFC 8785 (JCS) canonical JSON for the values the log holds: JSON.stringify's string and
 * number forms (which JCS adopts) with object keys sorted by UTF-16 code units. Written out
 * because hashing is the hot path of verify; a test checks it against the reference package.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite number in an event');
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (v[i] === undefined ? 'null' : canonicalJson(v[i]));
    return `${out}]`;
  }
  const keys = Object.keys(v).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(x)}`;
    first = false;
  }
  return `${out}}`;
}

/** sha256 over the canonical form of the record without its hash, so key order never matters. */
export function hashEvent(e: Omit<StoredEvent, 'hash'>): string {
  const { seq, id, ts, hlc, actor, type, data, prev } = e;
  // A record with a clock hashes it too (the order of the merged view must not be editable);
  // records from before sharing have none and hash exactly as they always did.
  // The record's own keys are fixed: written out in sorted order, only `data` needs the general walk.
  // (Same bytes as canonicalJson of the whole record; the hash test checks both against the package.)
  const simpleActor = actor && typeof actor === 'object' && Object.keys(actor).length === 2 && typeof actor.kind === 'string' && typeof actor.name === 'string';
  const canon = simpleActor && typeof id === 'string' && typeof prev === 'string' && typeof ts === 'string' && typeof type === 'string' && Number.isFinite(seq) && (hlc === undefined || Number.isFinite(hlc))
    ? `{"actor":{"kind":${JSON.stringify(actor.kind)},"name":${JSON.stringify(actor.name)}},"data":${canonicalJson(data)},${hlc === undefined ? '' : `"hlc":${JSON.stringify(hlc)},`}"id":${JSON.stringify(id)},"prev":${JSON.stringify(prev)},"seq":${JSON.stringify(seq)},"ts":${JSON.stringify(ts)},"type":${JSON.stringify(type)}}`
    : canonicalJson(hlc === undefined ? { seq, id, ts, actor, type, data, prev } : { seq, id, ts, hlc, actor, type, data, prev });
  return createHash('sha256').update(canon).digest('hex');
}
