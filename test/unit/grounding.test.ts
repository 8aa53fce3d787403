// "Grounded" must mean the evidence is there: 45 cites, each with the label a careful engineer would give.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_HYPOTHESIS_NOTE, type Actor, type EventDataMap } from '../../src/incident/events.js';
import { buildContext } from '../../src/hypotheses/context.js';
import { checkCite, checkCites, type CiteStatus } from '../../src/hypotheses/grounding.js';
import { logSources } from '../../src/hypotheses/run.js';
import { createIncidentLog, IncidentStore } from '../../src/incident/store.js';
import { readLogFile } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { cleanQuote } from '../../src/util/model-text.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const path = createIncidentLog(join(t.dir, 'home'), '20261126-0314-grnd');
const store = new IncidentStore(path);
const alice: Actor = { kind: 'human', name: 'alice' };
const out = (text: string) => ({ text, bytes: text.length, truncated: false });
const ran = (step: string | undefined, argv: string[], exit: number, stdout: string, stderr = ''): EventDataMap['command.ran'] => ({ ...(step ? { step } : {}), argv, shell: false, cwd: '/', exit_code: exit, signal: null, duration_ms: 5, timed_out: false, cancelled: false, stdout: out(stdout), stderr: out(stderr) });

store.append({ type: 'incident.opened', actor: alice, data: { title: 'Checkout API returning 502s', severity: 'critical', via: 'test' } }); // 1
store.append({ type: 'alert.attached', actor: { kind: 'system', name: 'alertmanager' }, data: { alert: { source: 'alertmanager', name: 'KubePodCrashLooping', status: 'firing', labels: { alertname: 'KubePodCrashLooping', namespace: 'payments', pod: 'api-7d9f' }, annotations: { summary: 'Pod payments/api-7d9f is crash looping', description: 'restarted 5 times in 10 minutes' }, severity: 'critical', startsAt: '2026-11-26T03:10:00.000Z', links: [], count: 1 } } }); // 2
store.append({ type: 'runbook.selected', actor: alice, data: { runbook: { id: 'crashloop', title: 'Pod crash-looping', summary: 's', severity: 'critical', steps: [{ id: 'get-pod', title: 'Look at the pod', kind: 'check' }, { id: 'logs-previous', title: 'Logs of the last crash', kind: 'check' }] }, file: 'f', sha256: 's', params: {}, matched_by: 'flag' } }, { trustedRunbook: true }); // 3
store.append({ type: 'step.started', actor: alice, data: { step: 'get-pod' } }); // 4
store.append({ type: 'command.ran', actor: alice, data: ran('get-pod', ['kubectl', '-n', 'payments', 'get', 'pod', 'api-7d9f'], 0, 'NAME       READY   STATUS             RESTARTS   AGE\napi-7d9f   0/1     CrashLoopBackOff   5          10m\n') }); // 5
store.append({ type: 'step.completed', actor: alice, data: { step: 'get-pod', via: 'command' } }); // 6
store.append({ type: 'command.ran', actor: alice, data: ran('logs-previous', ['kubectl', 'logs', '--previous', 'api-7d9f'], 1, 'panic: runtime error: invalid memory address\ngoroutine 1 [running]:\nmain.loadConfig(...)\n', 'error: container api terminated: OOMKilled\n') }); // 7
store.append({ type: 'step.failed', actor: alice, data: { step: 'logs-previous', reason: 'exit code 1' } }); // 8
store.append({ type: 'note.added', actor: alice, data: { text: 'memory graph shows the pod at its 512Mi limit before each restart' } }); // 9
store.append({ type: 'note.added', actor: alice, data: { text: 'I think the new release leaks memory', kind: 'hypothesis' } }); // 10
store.append({ type: 'hypothesis.requested', actor: alice, data: { model: 'llama3.2:3b', outcome: 'ok', detail: '1 hypothesis', hypotheses: 1 } }); // 11
store.append({ type: 'hypothesis.proposed', actor: { kind: 'model', name: 'llama3.2:3b' }, data: { model: 'llama3.2:3b', title: 'Memory leak in release 2.3', explanation: 'the heap grows', cites: [], grounding: 'ungrounded', refute_by: 'r', check: 'c', request_seq: 11 } }); // 12
store.append({ type: 'hypothesis.judged', actor: alice, data: { seq: 12, verdict: 'refuted', reason: 'heap profile flat at 200Mi for an hour' } }); // 13
store.append({ type: 'status.changed', actor: alice, data: { from: 'investigating', to: 'mitigated' } }); // 14
store.append({ type: 'note.added', actor: alice, data: { text: 'node-3 disk at 41G used of 50G, not the cause' } }); // 15
store.append({ type: 'note.added', actor: alice, data: { text: 'bad config rollout', kind: 'root-cause' } }); // 16
store.append({ type: 'action.recorded', actor: alice, data: { text: 'ran: kubectl rollout undo deploy/api' } }); // 17
store.append({ type: 'action.recorded', actor: alice, data: { text: 'scaled api to 4 replicas' } }); // 18
store.append({ type: 'note.added', actor: alice, data: { text: NO_HYPOTHESIS_NOTE } }); // 19
store.append({ type: 'command.ran', actor: alice, data: ran(undefined, ['sh', '-c', 'summary'], 0, '1000 restarts across 1000 pods on 1000 nodes\nuptime 1234567 s\n') }); // 20
store.close();

const events = readLogFile(path).events;
const state = replay('20261126-0314-grnd', events);
const built = buildContext(state, events, 100_000, []);
if (!built.ok) throw new Error('context');
const sources = logSources(state, events, built.context.shown);

type Case = [string, number, string, CiteStatus, string?];
const CASES: Case[] = [
  // True quotes of observations: grounded.
  ['a line of command output', 5, 'CrashLoopBackOff', 'found', 'command output of #5'],
  ['several words of output, spacing normalised', 5, 'api-7d9f 0/1 CrashLoopBackOff', 'found'],
  ['stderr of a failed command', 7, 'OOMKilled', 'found'],
  ['the exit status as the context shows it', 7, 'exit 1', 'found', 'exit status'],
  ['an alert label as the model was shown it (JSON)', 2, '"namespace":"payments"', 'found', 'labels'],
  ['an alert annotation', 2, 'restarted 5 times in 10 minutes', 'found'],
  ['the alert name', 2, 'KubePodCrashLooping', 'found'],
  ['the alert\'s start time', 2, '2026-11-26T03:10:00.000Z', 'found'],
  ['the incident title', 1, 'returning 502s', 'found', 'incident title'],
  ['a plain note (an observation)', 9, 'at its 512Mi limit', 'found', 'a note'],
  ['a verdict\'s reason', 13, 'heap profile flat at 200Mi', 'found', 'reason'],
  ['a status change', 14, 'investigating → mitigated', 'found'],
  ['a free-text action', 18, 'scaled api to 4 replicas', 'found'],
  ['a failure reason', 8, 'exit code 1', 'found'],
  ['different case', 5, 'crashloopbackoff', 'found'],
  ['full-width characters (NFKC)', 7, 'ＯＯＭＫｉｌｌｅｄ', 'found'],
  ['a zero-width space inside the quote', 7, 'OOM\u200bKilled', 'found'],
  ['extra whitespace', 7, 'panic:   runtime  error', 'found'],
  ['a trailing ellipsis, as the model marks a cut', 7, 'panic: runtime error…', 'found'],
  ['across two lines of one output', 7, 'invalid memory address goroutine 1', 'found'],
  ['a number with a unit that occurs once', 9, '512Mi', 'found'],
  // Wrong quotes.
  ['a misquote', 5, 'CrashLoopBackOff 7', 'not-found'],
  ['a true quote of another entry', 5, 'OOMKilled', 'wrong-event', '#7'],
  ['a quote spanning two entries', 5, '5 10m step get-pod', 'not-found'],
  ['"1G used of 50G" inside "41G used of 50G"', 15, '1G used of 50G', 'not-found'],
  ['"12Mi limit" inside "512Mi limit"', 9, '12Mi limit', 'not-found'],
  ['a word cut in the middle', 7, 'untime error', 'not-found'],
  ['a quote made up', 9, 'the database ran out of connections', 'not-found'],
  ['a seq after the last entry', 999, 'OOMKilled', 'future'],
  ['seq 0', 0, 'OOMKilled', 'no-such-entry'],
  ['a negative seq', -3, 'OOMKilled', 'no-such-entry'],
  // Not evidence: never counts toward grounded.
  ['the operator\'s own hypothesis', 10, 'new release leaks memory', 'not-evidence', 'a hypothesis'],
  ['the model\'s own earlier hypothesis (self-citation)', 12, 'Memory leak in release 2.3', 'not-evidence', 'a hypothesis'],
  ['the request to the model', 11, 'llama3.2:3b', 'not-evidence', 'request'],
  ['the runbook title', 3, 'Pod crash-looping', 'not-evidence', 'runbook'],
  ['a step id', 6, 'get-pod', 'not-evidence', 'step id'],
  ['a command line as proof of its result', 5, 'kubectl -n payments get pod', 'not-evidence', 'command line'],
  ['the record a typed command leaves', 17, 'kubectl rollout undo', 'not-evidence', 'command line'],
  ['a root-cause note (a conclusion)', 16, 'bad config rollout', 'not-evidence', 'conclusion'],
  ['the you-first "none" note', 19, 'no hypothesis of my own', 'not-evidence'],
  ['the title of the hypothesis a verdict judges', 13, 'Memory leak in release 2.3', 'not-evidence', 'hypothesis judged'],
  // Too little to prove anything.
  ['two characters', 5, 'OK', 'too-short'],
  ['only punctuation', 7, '...:', 'too-short'],
  ['a single digit', 5, '5', 'too-short'],
  ['a three-letter fragment of a path', 7, 'api', 'too-short'],
  ['a bare number that occurs three times', 20, '1000', 'too-short', '3 times'],
  ['a bare number that occurs once', 20, '1234567', 'found'],
];

describe('the citation check, case by case', () => {
  it('has at least 40 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(40));
  for (const [name, seq, quote, status, reason] of CASES) {
    it(`${name}: #${seq} "${quote}" → ${status}`, () => {
      const c = checkCite({ seq, quote }, sources);
      expect(c.status, c.reason).toBe(status);
      expect(c.verified).toBe(status === 'found');
      if (reason) expect(c.reason).toContain(reason);
    });
  }
});

describe('a hypothesis\'s label says what was checked', () => {
  const h = (cites: { seq: number; quote: string }[]) => checkCites({ cites }, sources).grounding;
  it('grounded: every cite found in evidence', () => expect(h([{ seq: 5, quote: 'CrashLoopBackOff' }, { seq: 7, quote: 'OOMKilled' }])).toBe('grounded'));
  it('partial: some', () => expect(h([{ seq: 5, quote: 'CrashLoopBackOff' }, { seq: 10, quote: 'new release leaks memory' }])).toBe('partial'));
  it('ungrounded: none, or only non-evidence, or no cites at all', () => {
    expect(h([{ seq: 10, quote: 'new release leaks memory' }, { seq: 3, quote: 'Pod crash-looping' }])).toBe('ungrounded');
    expect(h([])).toBe('ungrounded');
  });
  it('a quote really in an entry left out of the context counts, and says so', () => {
    // The smallest budget that still sends the incident: #9, a note, is left out.
    let small = buildContext(state, events, 100, []);
    for (let b = 200; !small.ok; b += 50) small = buildContext(state, events, b, []);
    if (!small.ok) throw new Error('context');
    expect(small.context.sent.has('9')).toBe(false);
    expect(small.context.omitted.note).toBeGreaterThan(0);
    const c = checkCite({ seq: 9, quote: 'at its 512Mi limit' }, logSources(state, events, small.context.shown));
    expect(c).toMatchObject({ status: 'found', verified: true, sent: false });
    expect(c.reason).toContain('not sent to the model');
  });
});

describe('cases found in review', () => {
  const path2 = createIncidentLog(join(t.dir, 'home2'), '20261126-0314-grn2');
  const s2 = new IncidentStore(path2);
  s2.append({ type: 'incident.opened', actor: alice, data: { title: 'T', severity: 'warning', via: 'test' } }); // 1
  s2.append({ type: 'command.ran', actor: alice, data: ran('a', ['x'], 0, 'all ok here\n', 'warning: disk slow\n') }); // 2
  s2.append({ type: 'command.ran', actor: alice, data: { ...ran('b', ['y'], 0, ''), stdout: { text: 'head part\n[… 5000 bytes not kept …]\nafter cut\n', bytes: 6000, truncated: true } } }); // 3
  s2.append({ type: 'note.added', actor: alice, data: { text: '1,500 errors in 5 minutes; disk 1.5G used of 50G' } }); // 4
  s2.append({ type: 'note.added', actor: alice, data: { text: `token ghp_${'S'.repeat(36)} was rejected` } }); // 5
  s2.append({ type: 'command.ran', actor: alice, data: ran('c', ['z'], 0, `${'w '.repeat(390)}used_bytes=41234 ${'v '.repeat(500)}\n`) }); // 6
  s2.close();
  const ev2 = readLogFile(path2).events;
  const st2 = replay('x', ev2);
  const b2 = buildContext(st2, ev2, 100_000, []);
  if (!b2.ok) throw new Error('context');
  const src2 = logSources(st2, ev2, b2.context.shown);
  const cases: Case[] = [
    ['the [stderr] mark the context adds', 2, 'ok here [stderr] warning', 'not-evidence'],
    ['stderr itself', 2, 'warning: disk slow', 'found'],
    ['the capture\'s cut mark', 3, 'bytes not kept', 'not-evidence'],
    ['across the capture\'s cut mark', 3, 'head part [… 5000 bytes not kept …] after cut', 'not-evidence'],
    ['"500 errors" inside "1,500 errors"', 4, '500 errors in 5 minutes', 'not-found'],
    ['"5G used of 50G" inside "1.5G used of 50G"', 4, '5G used of 50G', 'not-found'],
    // As run.ts cleans it: the made-up token masks to the same [REDACTED:…] as the real one.
    ['a made-up secret that masks the same way', 5, cleanQuote(`token ghp_${'Z'.repeat(36)}`), 'not-evidence'],
    ['a number the context cut in the middle', 6, 'used_bytes=41', 'not-found'],
  ];
  for (const [name, seq, quote, status] of cases) {
    it(`${name}: #${seq} "${quote.slice(0, 40)}" → ${status}`, () => {
      const c = checkCite({ seq, quote }, src2);
      expect(c.status, c.reason).toBe(status);
    });
  }
  it('a 500-character quote repeated in a large non-evidence note is checked in linear time (the test timeout is the bound)', () => {
    const p3 = createIncidentLog(join(t.dir, 'home3'), '20261126-0314-grn3');
    const s3 = new IncidentStore(p3);
    s3.append({ type: 'note.added', actor: alice, data: { text: 'ab '.repeat(20_000), kind: 'hypothesis' } });
    s3.close();
    const e3 = readLogFile(p3).events;
    const st3 = replay('y', e3);
    const src3 = logSources(st3, e3, new Map());
    for (let i = 0; i < 100; i++) expect(checkCite({ seq: 1, quote: 'ab '.repeat(166).trim() }, src3).status).toBe('not-evidence');
  });
});
