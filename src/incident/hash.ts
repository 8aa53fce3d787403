import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { StoredEvent } from './events.js';

/** sha256 over the RFC 8785 canonical form of the record without its hash, so key order never matters. */
export function hashEvent(e: Omit<StoredEvent, 'hash'>): string {
  const { seq, id, ts, actor, type, data, prev } = e;
  const canon = canonicalize({ seq, id, ts, actor, type, data, prev });
  return createHash('sha256').update(canon ?? '').digest('hex');
}
