// Every event type reads as one line in `oncall log`, and in full on the screen.
import { describe, expect, it } from 'vitest';
import type { EventDataMap, EventType, StoredEvent } from '../../src/incident/events.js';
import { commandResult, describeEvent, eventDetails } from '../../src/incident/format.js';

const out = (text: string) => ({ text, bytes: text.length, truncated: false });
const ran: EventDataMap['command.ran'] = { step: 'usage', argv: ['df', '-h'], shell: false, cwd: '/tmp', exit_code: 0, signal: null, duration_ms: 12, timed_out: false, cancelled: false, stdout: out('Filesystem Size\n/dev/sda1 50G\n'), stderr: out('') };

// A Record over every type: adding an event type without a sample here fails the typecheck.
const SAMPLES: { [K in EventType]: EventDataMap[K] } = {
  'incident.opened': { title: 'Checkout slow', severity: 'critical', via: 'open' },
  'incident.closed': { reason: 'duplicate' },
  'alert.attached': { alert: { source: 'alertmanager', name: 'KubePodCrashLooping', status: 'firing', labels: { namespace: 'payments' }, annotations: { summary: 'crash looping' }, severity: 'critical', startsAt: '2026-11-26T03:00:00.000Z', links: [], count: 3 } },
  'runbook.selected': { runbook: { id: 'demo', title: 'Demo', summary: 's', severity: 'info', steps: [{ id: 'a', title: 'A', kind: 'manual' }] }, file: 'demo.yaml', sha256: 'ab', params: { ns: 'x' }, matched_by: 'flag' },
  'step.started': { step: 'usage', argv: ['df'], cwd: '/tmp' },
  'step.completed': { step: 'usage', via: 'command' },
  'step.skipped': { step: 'usage', reason: 'not here' },
  'step.failed': { step: 'usage', reason: 'exit code 1' },
  'command.started': { step: 'usage', pid: 4242, host: 'web-1', writer_pid: 42 },
  'command.ran': ran,
  'fanout.planned': { step: 'usage', source: 'label', selection: 'all', targets: ['web-1', 'web-2'], refused: [{ target: '-x', reason: 'does not match' }], parallel: 4, canary: 1, verify: false },
  'target.finished': { step: 'usage', target: 'web-2', status: 'failed', reason: 'exit code 1' },
  'step.partial': { step: 'usage', total: 3, ok: 1, failed: ['web-2'], drifted: [], not_run: [], refused: ['-x'], reason: '1 of 3 ok' },
  'note.added': { text: 'users report 502s', kind: 'impact' },
  'parameter.set': { name: 'namespace', value: 'payments' },
  'action.recorded': { text: 'paged the DBA' },
  'status.changed': { from: 'investigating', to: 'mitigated' },
  'severity.changed': { from: 'warning', to: 'critical' },
  'hypothesis.requested': { model: 'llama3.2:3b', outcome: 'ok', detail: '2 hypotheses: 1 grounded', hypotheses: 2, prompt_sha256: 'ab' },
  'hypothesis.proposed': { model: 'llama3.2:3b', title: 'Disk filled by logs', explanation: 'the log dir grew', cites: [{ seq: 5, quote: '96% /', verified: true }], grounding: 'grounded', refute_by: 'du shows logs small', check: 'du -sh /var/log' },
  'hypothesis.judged': { seq: 9, verdict: 'refuted', reason: 'logs are small' },
  'silence.created': { silence_id: '5f9a3c1e-0d2b-4c8e-9f1a-7b6e5d4c3b2a', url: 'http://127.0.0.1:9093', matchers: [{ name: 'alertname', value: 'KubePodCrashLooping', isRegex: false, isEqual: true }], starts_at: '2026-11-26T03:00:00.000Z', ends_at: '2026-11-26T05:00:00.000Z', comment: 'oncall incident x' },
  'silence.expired': { silence_id: '5f9a3c1e-0d2b-4c8e-9f1a-7b6e5d4c3b2a', url: 'http://127.0.0.1:9093' },
  'role.assigned': { role: 'commander', name: 'alice' },
  'handoff.recorded': { to: 'bob', text: 'disk cleaned, replication still behind; watching pg_wal' },
  'drill.started': { from: '20261126-0314-k3f9', head: 'a'.repeat(64), fast: 1, with_model: false },
  'drill.ended': { debrief: { drill: 'x' } },
  'postmortem.exported': { format: 'md', head: 'a'.repeat(64), log_sha256: 'b'.repeat(64), document_sha256: 'c'.repeat(64), events: 12 },
};

const event = <T extends EventType>(type: T, data: EventDataMap[T], seq = 7): StoredEvent => ({ seq, id: 'i', ts: '2026-11-26T03:14:15.926Z', actor: { kind: 'human', name: 'alice' }, type, data, prev: '0', hash: '1' } as StoredEvent);

describe('oncall log renders every event type as one readable line', () => {
  for (const [type, data] of Object.entries(SAMPLES) as [EventType, never][]) {
    it(type, () => {
      const line = describeEvent(event(type, data));
      expect(line).not.toContain('\n');
      // Not the raw record: no JSON object syntax.
      expect(line).not.toMatch(/[{}]|":/);
      expect(line.length).toBeGreaterThan(5);
      const full = eventDetails(event(type, data));
      expect(full[0]).toContain('#7 2026-11-26 03:14:15 UTC · human: alice');
      expect(full[1]).toBe(line);
    });
  }
  it('hypothesis.requested says what was asked and how it ended', () => {
    expect(describeEvent(event('hypothesis.requested', SAMPLES['hypothesis.requested']))).toBe('asked llama3.2:3b for hypotheses: ok, 2 hypotheses (2 hypotheses: 1 grounded)');
  });
  it('an event type from a newer version says so', () => {
    expect(describeEvent(event('drill.paused' as EventType, { x: 1 } as never))).toMatch(/^drill\.paused \(an event type this version does not know\)/);
  });
});

describe('a command that could not run is said in plain words', () => {
  it('not found, from the record or from the shell\'s exit 127', () => {
    expect(commandResult({ ...ran, exit_code: null, error: 'command not found: dff (is it installed and on PATH?)' })).toBe('command not found: dff (is it installed and on PATH?)');
    expect(commandResult({ ...ran, shell: true, exit_code: 127, stderr: out('/bin/sh: 1: dff: not found\n') })).toBe('exit 127, command not found: dff (is it installed and on PATH?)');
    expect(commandResult({ ...ran, exit_code: null })).toBe('did not start');
    expect(describeEvent(event('command.ran', { ...ran, exit_code: null, error: 'command not found: dff (is it installed and on PATH?)' }))).toBe('ran df -h → command not found: dff (is it installed and on PATH?) in 12 ms');
  });
});
