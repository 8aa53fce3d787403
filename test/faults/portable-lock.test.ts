// The portable lock (a lock file with dead-holder detection, used where the native addon
// cannot load) must pass the same suites as the native one: the concurrent appends, the
// writers killed at random, the holder killed while holding it, and the crash loop.
// ONCALL_LOCK=portable is inherited by every process these tests start.
process.env.ONCALL_LOCK = 'portable';

const { lockKind } = await import('../../src/incident/lock.js');
const { describe, expect, it } = await import('vitest');

describe('the portable lock', () => {
  it('is the one in use here', () => {
    expect(lockKind()).toBe('portable');
  });
});

await import('../e2e/concurrency.test.js');
await import('./crash-loop.test.js');
