// The incident screen with ink-testing-library: real store, real files, real commands.
// Waits for content, never sleeps.
import { render } from 'ink-testing-library';
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupIdentity } from '../../src/exec/group.js';
import { App, type AppProps } from '../../src/ui/App.js';
import { OllamaStandin } from '../helpers/ollama-standin.js';
import { LogFollower } from '../../src/incident/follow.js';
import { openIncident } from '../../src/incident/open.js';
import { IncidentStore } from '../../src/incident/store.js';
import { readLogFile } from '../../src/incident/reader.js';
import { loadRunbookFile } from '../../src/runbook/catalog.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function setup(file = 'test/fixtures/runbooks/good/ui-walkthrough.yaml', params: Record<string, string> = {}, hypotheses?: AppProps['hypotheses'], beforeRender?: (path: string) => void) {
  const t = tempDir();
  const { entry } = await loadRunbookFile(join(ROOT, file));
  const actor = { kind: 'human' as const, name: 'alice' };
  const opened = openIncident({ home: t.dir, clock: { now: () => new Date() }, actor, via: 'test', runbook: { entry: entry!, params, matchedBy: 'flag' } });
  opened.store.close();
  beforeRender?.(opened.path);
  const store = new IncidentStore(opened.path);
  const follower = new LogFollower(opened.path, opened.id);
  const ui = render(<App store={store} follower={follower} actor={actor} cwd={t.dir} defaultTimeoutMs={10_000} color={false} pollMs={50} {...(hypotheses ? { hypotheses } : {})} />);
  cleanups.push(() => {
    ui.unmount();
    store.close();
    t.cleanup();
  });
  const frame = () => ui.lastFrame() ?? '';
  const until = async (pred: (f: string) => boolean, what: string, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!pred(frame())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const see = (text: string, ms?: number) => until((f) => f.includes(text), JSON.stringify(text), ms);
  const types = () => readLogFile(opened.path).events.map((e) => e.type);
  const press = async (keys: string) => {
    for (const k of keys) ui.stdin.write(k);
  };
  return { ui, frame, see, until, types, press, path: opened.path, id: opened.id };
}

describe('incident screen', () => {
  it('shows the header, the steps with marks, the command, known causes and key hints', async () => {
    const s = await setup();
    await s.see('UI walkthrough fixture');
    expect(s.frame()).toMatch(/oncall \d{8}-\d{4}-\w{4}/);
    expect(s.frame()).toContain('warning · investigating');
    expect(s.frame()).toMatch(/›· +1 Disk usage/);
    expect(s.frame()).toContain('$ echo \'/dev/sda1  50G  48G  2G  96% /\'');
    expect(s.frame()).toContain('Known causes (runbook): none matches');
    expect(s.frame()).toContain('r:run');
  });

  it('r shows the exact argv, cwd and timeout; y runs it, records it, and the known cause appears', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('r');
    await s.see('Run this command?');
    expect(s.frame()).toContain('argv: echo \'/dev/sda1  50G  48G  2G  96% /\'');
    expect(s.frame()).toMatch(/cwd: \/tmp\//);
    expect(s.frame()).toContain('timeout: 10 s');
    expect(s.types()).not.toContain('step.started');
    await s.press('y');
    await s.see('usage done');
    expect(s.frame()).toMatch(/✓ +1 Disk usage/);
    expect(s.frame()).toContain('output of #');
    expect(s.frame()).toContain('▸ Disk nearly full — usage #');
    expect(s.types()).toEqual(['incident.opened', 'runbook.selected', 'step.started', 'command.started', 'command.ran', 'step.completed']);
  });

  it('any key but y cancels the confirmation and nothing is recorded', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('r');
    await s.see('Run this command?');
    await s.press('n');
    await s.see('nothing was run');
    expect(s.types()).toEqual(['incident.opened', 'runbook.selected']);
  });

  it('a failing step is shown plainly and Enter follows its on_fail route', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('j');
    await s.press('r');
    await s.see('Run this command?');
    await s.press('y');
    await s.see('broken FAILED: exit code 3');
    expect(s.frame()).toContain('Enter → by-hand');
    expect(s.frame()).toMatch(/✗ +2 A check that fails/);
    expect(s.frame()).toContain('nope');
    expect(s.frame()).toContain('▸ The broken check failed');
    await s.press('\r');
    await s.until((f) => /›· +3 Look at the graphs/.test(f), 'selection on by-hand');
  });

  it('s skips with a reason, d ticks off a manual step, n adds a note, a records an action', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('s');
    await s.see('reason for skipping usage');
    await s.press('not on this host\r');
    await s.see('skipped usage');
    expect(s.frame()).toMatch(/↷ +1 Disk usage/);
    await s.press('jj');
    await s.press('d');
    await s.see('by-hand marked done');
    await s.press('n');
    await s.press('checked dashboards\r');
    await s.see('note recorded');
    await s.press('a');
    await s.press('paged the storage team\r');
    await s.see('action recorded');
    const events = readLogFile(s.path).events;
    expect(events.slice(2).map((e) => [e.type, e.data])).toEqual([
      ['step.skipped', { step: 'usage', reason: 'not on this host' }],
      ['step.completed', { step: 'by-hand', via: 'manual' }],
      ['note.added', { text: 'checked dashboards' }],
      ['action.recorded', { text: 'paged the storage team' }],
    ]);
    for (const e of events.slice(2)) expect(e.actor).toEqual({ kind: 'human', name: 'alice' });
  });

  it('asks for a missing parameter, refuses a bad value, then confirms with it filled in', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('jjj');
    await s.press('r');
    await s.see('value for target');
    await s.press('-rf; rm\r');
    await s.see('target must match');
    await s.press('\u0015');
    await s.press('web-1\r');
    await s.see('Run this command?');
    expect(s.frame()).toContain("argv: echo 'hello web-1'");
    await s.press('y');
    await s.see('greet done');
    expect(s.frame()).toContain('hello web-1');
    const set = readLogFile(s.path).events.find((e) => e.type === 'parameter.set');
    expect(set?.data).toEqual({ name: 'target', value: 'web-1' });
  });

  it('a log that fails verification is said so after the first frame, and the damage is not shown', async () => {
    const s = await setup(undefined, {}, undefined, (path) => {
      const last = readLogFile(path).events.at(-1)!;
      appendFileSync(path, `\n${JSON.stringify({ ...last, seq: 50, data: { text: 'forged' } })}\n`);
    });
    await s.see('log check failed: 1 record(s) off the chain, not shown; run `oncall log verify`');
    expect(s.frame()).not.toContain('forged');
  });

  it('a recorded value that fails the pattern is refused by name, the value shown cut short', async () => {
    const s = await setup(undefined, { target: `Web-${'x'.repeat(200)}` });
    await s.see('Disk usage');
    await s.press('jjj');
    await s.press('r');
    await s.see('does not match');
    expect(s.frame()).toMatch(/parameter target="Web-x{55}…" does not match/);
    expect(s.types()).not.toContain('step.started');
  });

  it('Ctrl-C cancels a running command (the app keeps running) and the cancel is recorded', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('jjjj');
    await s.press('r');
    await s.see('This takes a while.');
    await s.press('y');
    await s.see('Ctrl-C cancels');
    await s.press('q');
    await s.see('a command is running');
    await s.press('\u0003');
    await s.see('slow FAILED: cancelled by the operator', 10_000);
    const ran = readLogFile(s.path).events.find((e) => e.type === 'command.ran');
    expect(ran?.data).toMatchObject({ cancelled: true, argv: ['sleep', '30'] });
  });

  it('a typed command runs only after y, and is recorded as an action and a command', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('a');
    await s.press('$ echo typed-by-hand\r');
    await s.see('Run this command?');
    expect(s.frame()).toContain("argv: /bin/sh -c 'echo typed-by-hand'");
    await s.press('y');
    await s.see('command recorded');
    const events = readLogFile(s.path).events.slice(2);
    expect(events.map((e) => e.type)).toEqual(['action.recorded', 'command.started', 'command.ran']);
    expect((events[2]!.data as { stdout: { text: string } }).stdout.text).toBe('typed-by-hand\n');
  });

  it('m and R change the status after y; h without Ollama settings says so; ? shows help', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('m');
    await s.see('Mark the incident mitigated?');
    await s.press('y');
    await s.see('warning · mitigated');
    await s.press('R');
    await s.see('Mark the incident resolved?');
    await s.press('y');
    await s.see('warning · resolved');
    await s.press('h');
    await s.see('hypotheses are not set up');
    await s.press('?');
    await s.see('Keys ·');
    await s.press('G');
    await s.see('Everything is written to the log');
    await s.press('q');
    await s.until((f) => !f.includes('Everything is written to the log'), 'help closed');
  });

  it('a run left by a killed oncall: the step says its group still runs, and r refuses a second run until it ends', async () => {
    const s = await setup();
    await s.see('Disk usage');
    // What a SIGKILLed writer leaves: step.started and command.started with a live group.
    const orphan = spawn('sleep', ['37'], { detached: true, stdio: 'ignore' });
    cleanups.push(() => {
      try {
        process.kill(-orphan.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const other = new IncidentStore(s.path);
    const bob = { kind: 'human' as const, name: 'bob' };
    other.append({ type: 'step.started', actor: bob, data: { step: 'usage', argv: ['df', '-h'] } });
    other.append({ type: 'command.started', actor: bob, data: { step: 'usage', ...groupIdentity(orphan.pid!), writer_pid: 999_999 } });
    other.close();
    // (The message wraps in the right-hand column: its pieces are checked line by line.)
    await s.until((f) => f.includes(`its process group ${orphan.pid} is`) && f.includes('still running here'), 'the group is said to run');
    await s.press('r');
    await s.see('not run: its previous run (#4) is still going');
    expect(s.types()).not.toContain('command.ran');
    process.kill(-orphan.pid!, 'SIGKILL');
    await new Promise((r) => orphan.once('exit', r));
    // Once the group has ended, the step says so and r offers to run it again.
    await s.press('j');
    await s.press('k');
    await s.until((f) => f.includes(`its process group ${orphan.pid} has`) && f.includes('ended, so that run was interrupted'), 'the group is said to have ended');
    await s.press('r');
    await s.see('Run this command?');
  });

  it('h asks in the background, a second h does not ask again, and the checked answer appears; v judges it', async () => {
    const standin = await new OllamaStandin({ fault: 'slow-first-token', delayMs: 600, answer: { hypotheses: [
      { title: 'Disk filled by logs', explanation: 'e', cites: [{ seq: 5, quote: '48G  2G  96% /' }], refute_by: 'r', check: 'c' },
      { title: 'Made up', explanation: 'e', cites: [{ seq: 99, quote: 'nothing' }], refute_by: 'r', check: 'c' },
    ] } }).start();
    cleanups.push(() => void standin.stop());
    const s = await setup(undefined, {}, { host: { url: standin.url, loopback: true }, model: 'llama3.2:3b', deadlines: { connectMs: 2000, firstTokenMs: 5000, totalMs: 10_000 }, youFirst: false });
    await s.see('Disk usage');
    await s.press('r');
    await s.see('Run this command?');
    await s.press('y');
    await s.see('usage done');
    await s.press('h');
    await s.see('Asking the model');
    await s.press('h');
    await s.see('already asking');
    // The screen stays responsive while the model thinks.
    await s.press('j');
    await s.until((f) => /›· +2 A check that fails/.test(f), 'selection moved during the request');
    await s.see('Hypotheses from llama3.2:3b');
    // The tool's label in its own column, the model's words after the bar.
    expect(s.frame()).toMatch(/#\d+ grounded +│ Disk filled by logs/);
    expect(s.frame()).toMatch(/#\d+ UNGROUNDED +│ Made up/);
    await s.press('p');
    await s.see('Known causes and hypotheses');
    await s.press('G');
    await s.see('cite #99 [NO SUCH ENTRY]');
    expect(s.frame()).toMatch(/cite #5 \[found\] found in command output of #5/);
    await s.press('q');
    expect(standin.requests.filter((q) => q.path === '/api/chat')).toHaveLength(1);
    const seq = readLogFile(s.path).events.find((e) => e.type === 'hypothesis.proposed')!.seq;
    await s.press('v');
    await s.press(`${seq} supported the logs are huge\r`);
    await s.see(`${seq} supported`);
    // The verdict sits in the tool's column, and who gave it on the detail line.
    await s.until((f) => /#\d+ grounded SUPPORTED +│ Disk filled by logs/.test(f), 'verdict in the tool column');
  });

  it('you-first: h asks for the operator\'s hypothesis before the model is asked', async () => {
    const standin = await new OllamaStandin({ answer: { hypotheses: [] } }).start();
    cleanups.push(() => void standin.stop());
    const s = await setup(undefined, {}, { host: { url: standin.url, loopback: true }, model: 'llama3.2:3b', deadlines: { connectMs: 2000, firstTokenMs: 5000, totalMs: 10_000 }, youFirst: true });
    await s.see('Disk usage');
    await s.press('h');
    await s.see('your hypothesis first');
    expect(standin.requests).toHaveLength(0);
    await s.press('a noisy neighbour\r');
    await s.see('the model offered no hypotheses');
    const types = readLogFile(s.path).events.map((e) => e.type);
    expect(types.indexOf('note.added')).toBeLessThan(types.indexOf('hypothesis.requested'));
  });

  it('a note written by another process appears within a second', async () => {
    const s = await setup();
    await s.see('Disk usage');
    const other = new IncidentStore(s.path);
    other.append({ type: 'status.changed', actor: { kind: 'human', name: 'bob' }, data: { from: 'investigating', to: 'mitigated' } });
    other.close();
    await s.see('mitigated', 1000);
  });

  it('the timeline shows a note written by another process, and f opens it whole', async () => {
    const s = await setup();
    await s.see('Disk usage');
    const other = new IncidentStore(s.path);
    other.append({ type: 'note.added', actor: { kind: 'human', name: 'bob' }, data: { text: `customer reports timeouts since 09:10 ${'and more detail '.repeat(20)}END-OF-NOTE`, kind: 'impact' } });
    other.close();
    await s.press('t');
    await s.see('bob: impact note: customer reports timeouts');
    expect(s.frame()).not.toContain('END-OF-NOTE');
    await s.press('f');
    await s.see('END-OF-NOTE');
    await s.press('q');
    await s.press('t');
    await s.see('Disk usage (simulated)');
  });

  it('n: Tab picks the note\'s kind, so postmortem sections are written from the screen', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('n');
    await s.see('note, kind plain');
    await s.press('\t');
    await s.see('note, kind summary');
    await s.press('\t');
    await s.see('note, kind impact');
    await s.press('1200 users could not check out\r');
    await s.see('impact note recorded');
    expect(readLogFile(s.path).events.at(-1)!.data).toEqual({ text: '1200 users could not check out', kind: 'impact' });
  });

  it('keys that arrive together are each handled; text the terminal marks as pasted is not read as keys', async () => {
    const s = await setup();
    await s.see('Disk usage');
    s.ui.stdin.write('jj');
    await s.until((f) => /›· +3 Look at the graphs/.test(f), 'two steps down');
    // Keys that would be acted on if typed (j j) are ignored when the terminal marks them as pasted.
    s.ui.stdin.write('\u001b[200~');
    s.ui.stdin.write('jj');
    s.ui.stdin.write('\u001b[201~');
    await s.see('pasted text ignored');
    expect(s.frame()).toMatch(/›· +3 Look at the graphs/);
    // A pasted "y" never confirms a run.
    await s.press('k');
    await s.press('r');
    await s.see('Run this command?');
    s.ui.stdin.write('\u001b[200~');
    s.ui.stdin.write('y');
    s.ui.stdin.write('\u001b[201~');
    await s.see('pasted text cancelled the confirmation');
    // Inside a prompt, a paste is text (its line break a space: it never submits).
    await s.press('n');
    s.ui.stdin.write('\u001b[200~');
    s.ui.stdin.write('from the\nwiki');
    s.ui.stdin.write('\u001b[201~');
    await s.see('> from the wiki');
    expect(s.types()).toEqual(['incident.opened', 'runbook.selected']);
  });

  it('a typed command\'s output is on screen once it has run', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('a');
    await s.press('$ printf "alpha\\n\\nomega\\n"\r');
    await s.see('Run this command?');
    await s.press('y');
    await s.see('command recorded');
    await s.see('typed $ printf');
    expect(s.frame()).toMatch(/alpha\n.*\n.*omega/);
  });

  it('text cut to fit is marked, f shows it whole, and the confirm box always shows the warning', async () => {
    const s = await setup('test/fixtures/runbooks/good/long-text.yaml');
    await s.see('Long texts on a small screen');
    await s.press('r');
    await s.see('Run this command?');
    expect(s.frame()).toContain('END-OF-WARNING');
    await s.press('f');
    await s.see('Close this (q), then press y to confirm.');
    await s.press('q');
    await s.see('Run this command?');
    await s.press('y');
    await s.see('drain done');
    // With output to show, the instructions give way: cut with a mark.
    expect(s.frame()).toMatch(/… \+\d+ more lines? \(f: full text\)/);
    expect(s.frame()).not.toContain('LAST-INSTRUCTION-LINE');
    await s.press('f');
    await s.see('Step drain · lines 1-');
    await s.press('J');
    await s.see('LAST-INSTRUCTION-LINE');
    await s.press('G');
    await s.see('output of #');
    await s.press('q');
    await s.until((f) => !f.includes('LAST-INSTRUCTION-LINE'), 'the full view closed');
  });

  it('output scrolling stops at both ends and says where it is; blank lines are kept', async () => {
    const s = await setup('test/fixtures/runbooks/good/long-text.yaml');
    await s.see('Long texts on a small screen');
    await s.press('j');
    await s.press('r');
    await s.see('Run this command?');
    await s.press('y');
    await s.see('counted done');
    await s.see('of 104 (end)');
    const at = () => /lines (\d+)-(\d+) of 104/.exec(s.frame())!.slice(1).map(Number);
    const [, endLast] = at();
    expect(endLast).toBe(104);
    // At the end, J does nothing; one K then moves exactly one page (10 lines) up, whatever J did before.
    for (let i = 0; i < 3; i++) await s.press('J');
    await s.press('K');
    await s.until(() => at()[1] === 94, 'one page up from the end');
    for (let i = 0; i < 30; i++) await s.press('K');
    await s.see('(top)');
    const [topFirst] = at();
    expect(topFirst).toBe(1);
    // At the top, K does nothing; one J moves exactly one page down.
    await s.press('J');
    await s.until(() => at()[0] === 11, 'one page down from the top');
    await s.press('G');
    await s.see('of 104 (end)');
  });

  it('Enter after a failure whose route is end says the runbook ends there', async () => {
    const s = await setup('test/fixtures/runbooks/good/long-text.yaml');
    await s.see('Long texts on a small screen');
    await s.press('jj');
    await s.press('r');
    await s.see('Run this command?');
    await s.press('y');
    await s.see('ends FAILED: exit code 1');
    await s.press('\r');
    await s.see('the runbook ends here: ends failed and its on_fail route is end');
  });

  it('a resumed step left running by a killed oncall shows the whole notice and no older run\'s output under it', async () => {
    const s = await setup();
    await s.see('Disk usage');
    await s.press('r');
    await s.see('Run this command?');
    await s.press('y');
    await s.see('usage done');
    const other = new IncidentStore(s.path);
    const bob = { kind: 'human' as const, name: 'bob' };
    other.append({ type: 'step.started', actor: bob, data: { step: 'usage', argv: ['df', '-h'] } });
    other.append({ type: 'command.started', actor: bob, data: { step: 'usage', pid: 2_000_000_000, host: 'elsewhere-host', writer_pid: 999_999 } });
    other.close();
    await s.see('check there before running it again');
    expect(s.frame()).not.toContain('output of #');
    expect(s.frame()).toMatch(/the output of an earlier run, #\d+, is in the/);
  });
});

