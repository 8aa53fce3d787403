// The built binary in a real terminal (tmux): the demo, run, skip, note, quit, resume.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogFile } from '../../src/incident/reader.js';
import { listIncidentIds } from '../../src/incident/incidents.js';
import { BIN, oncall, ROOT, tempDir } from '../helpers/cli.js';
import { Tmux } from '../helpers/tmux.js';

const t = tempDir();
const tmux = new Tmux();
afterAll(async () => {
  await tmux.kill();
  t.cleanup();
});
// CI=true as CI runners set it: ink would otherwise paint only the last frame, a blank screen.
const env = { ONCALL_HOME: join(t.dir, 'home'), ONCALL_OPERATOR: 'alice', XDG_CONFIG_HOME: t.dir, XDG_CACHE_HOME: t.dir, CI: 'true' };

describe('oncall start in a real terminal', () => {
  it('walks the demo: run with r y, skip with a reason, note, quit, resume', async () => {
    await tmux.start(`node ${BIN} start --demo`, { cols: 80, rows: 24, env });
    let screen = await tmux.waitFor('Demo: a slow loca');
    expect(screen).toMatch(/›· +1 Load average and/);
    expect(screen).toContain('$ uptime');

    await tmux.keys('r');
    screen = await tmux.waitFor('Run this command?');
    expect(screen).toContain('argv: uptime');
    expect(screen).toContain('timeout: 10 s');
    await tmux.keys('y');
    screen = await tmux.waitFor('load done');
    expect(screen).toMatch(/✓ +1 Load average/);
    expect(screen).toMatch(/load average/);

    // Step 3 (memory): skip it with a reason. One key at a time, as a person types.
    await tmux.keys('j');
    await tmux.waitFor(/›· +2 Is a maintenance/);
    await tmux.keys('j');
    await tmux.waitFor(/›· +3 Memory and swap/);
    await tmux.keys('s');
    await tmux.waitFor('reason for skipping memory');
    await tmux.type('swap is off on this box');
    await tmux.keys('Enter');
    screen = await tmux.waitFor('skipped memory');
    expect(screen).toMatch(/↷ +3 Memory and swap/);

    await tmux.keys('n');
    await tmux.waitFor('note, kind plain');
    await tmux.type('reporter says it is slow since 09:00');
    await tmux.keys('Enter');
    await tmux.waitFor('note recorded');

    await tmux.keys('q');
    screen = await tmux.waitFor('[exited 0]');
    const id = /Incident (\d{8}-\d{4}-\w{4}) \(investigating\)/.exec(screen)?.[1];
    expect(id).toBeDefined();
    await tmux.kill();

    const events = readLogFile(join(env.ONCALL_HOME, 'incidents', id!, 'log.jsonl')).events;
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'runbook.selected', 'step.started', 'command.started', 'command.ran', 'step.completed', 'step.skipped', 'note.added']);
    expect(events[6]!.data).toEqual({ step: 'memory', reason: 'swap is off on this box' });
    expect(events[7]!.data).toEqual({ text: 'reporter says it is slow since 09:00' });
    expect(events[7]!.actor).toEqual({ kind: 'human', name: 'alice' });

    // Resume: the screen is rebuilt from the log alone.
    const again = new Tmux();
    try {
      await again.start(`node ${BIN} start --incident ${id!.slice(-4)}`, { cols: 80, rows: 24, env });
      screen = await again.waitFor('Demo: a slow loca');
      expect(screen).toMatch(/✓ +1 Load average/);
      expect(screen).toMatch(/↷ +3 Memory and swap/);
      expect(screen).toMatch(/›· +2 Is a maintenance/);
      await again.keys('k');
      screen = await again.waitFor(/output of #\d+: exit 0/);
      await again.keys('q');
      await again.waitFor('[exited 0]');
    } finally {
      await again.kill();
    }
    expect(listIncidentIds(env.ONCALL_HOME)).toEqual([id]);
  }, 60_000);

  it('with no flags, a filterable picker offers open incidents and runbooks; Enter opens or resumes, Esc quits', async () => {
    const home = join(t.dir, 'picker-home');
    const penv = { ...env, ONCALL_HOME: home };
    const first = (JSON.parse((await oncall(['open', '--title', 'Checkout slow', '--json'], penv)).stdout) as { id: string }).id;

    // A new incident from a runbook: type to filter, Enter.
    const a = new Tmux();
    try {
      await a.start(`node ${BIN} start`, { cols: 100, rows: 30, env: penv });
      let screen = await a.waitFor('resume an open incident');
      expect(screen).toMatch(/resume +\S+ +investigating · Checkout slow/);
      expect(screen).toMatch(/new +demo +Demo: a slow local machine/);
      expect(screen).toMatch(/new +tls-cert-expiring/);
      await a.type('demo slow');
      screen = await a.waitFor((s) => s.includes('filter: demo slow') && !s.includes('tls-cert-expiring'));
      expect(screen).not.toContain('Checkout slow');
      await a.keys('Enter');
      // The incident screen's header (the picker also shows the runbook's title).
      screen = await a.waitFor(/oncall \d{8}-\d{4}-\w{4} · Demo: a slow loca/);
      expect(screen).toMatch(/›· +1 Load average/);
      await a.keys('q');
      await a.waitFor('[exited 0]');
    } finally {
      await a.kill();
    }
    const ids = listIncidentIds(home);
    expect(ids).toHaveLength(2);

    // Resume the first one by filtering on its title.
    const b = new Tmux();
    try {
      await b.start(`node ${BIN} start`, { cols: 100, rows: 30, env: penv });
      await b.waitFor('resume an open incident');
      await b.type('checkout');
      await b.waitFor((s) => s.includes('filter: checkout') && !s.includes('new    '));
      await b.keys('Enter');
      const screen = await b.waitFor(`oncall ${first}`);
      expect(screen).toContain('Checkout slow');
      await b.keys('q');
      await b.waitFor(`Incident ${first} (investigating)`);
    } finally {
      await b.kill();
    }

    // Esc: nothing is opened.
    const c = new Tmux();
    try {
      await c.start(`node ${BIN} start`, { cols: 100, rows: 30, env: penv });
      await c.waitFor('resume an open incident');
      await c.keys('Escape');
      await c.waitFor('[exited 0]');
    } finally {
      await c.kill();
    }
    expect(listIncidentIds(home)).toEqual(ids);
  }, 60_000);
});

describe('the screen tells the whole truth, at 80x24 and 200x50', () => {
  for (const [cols, rows] of [[80, 24], [200, 50]] as const) {
    it(`${cols}x${rows}: the whole warning in the confirm box, a note from another terminal in the timeline, a typed command's output, scrolling that stops`, async () => {
      const home = join(t.dir, `truth-${cols}`);
      const e = { ...env, ONCALL_HOME: home };
      const tm = new Tmux();
      try {
        await tm.start(`node ${BIN} start --runbook ${join(ROOT, 'test/fixtures/runbooks/good/long-text.yaml')}`, { cols, rows, env: e });
        await tm.waitFor('Long texts on a');
        // The warning whole, its first and last words, in the confirm box.
        await tm.keys('r');
        let screen = await tm.waitFor('Run this command?');
        expect(screen).toContain('This drains every pod from the node');
        expect(screen).toContain('END-OF-WARNING');
        await tm.keys('y');
        await tm.waitFor('drain done');

        // A note from another terminal reaches the timeline.
        const id = listIncidentIds(home)[0]!;
        const n = await oncall(['note', '--incident', id, '--kind', 'impact', 'checkout errors for 20% of users'], { ...e, ONCALL_OPERATOR: 'bob' });
        expect(n.exitCode).toBe(0);
        if (cols < 150) await tm.keys('t');
        screen = await tm.waitFor('bob: impact note: checkout errors');
        if (cols < 150) await tm.keys('t');

        // a, then a typed command, then y: its output on screen.
        await tm.keys('a');
        await tm.waitFor('action taken outside the runbook');
        await tm.type('$ df -h /tmp');
        await tm.keys('Enter');
        await tm.waitFor('Run this command?');
        await tm.keys('y');
        screen = await tm.waitFor('command recorded');
        expect(screen).toMatch(/Filesystem +Size +Used/);

        // Keys sent together are each handled (send-keys j j), then the long output scrolls and stops.
        await tm.keys('j', 'j', 'k');
        await tm.waitFor(/›· +2 Numbered output/);
        await tm.keys('r');
        await tm.waitFor('Run this command?');
        await tm.keys('y');
        screen = await tm.waitFor('of 104 (end)');
        const last = (sc: string) => Number(/lines \d+-(\d+) of 104/.exec(sc)![1]);
        expect(last(screen)).toBe(104);
        // J at the end does nothing: after three of them, one K moves exactly one page (10 lines) up.
        for (let i = 0; i < 3; i++) await tm.keys('J');
        await tm.keys('K');
        screen = await tm.waitFor(/lines \d+-94 of 104/);
        await tm.keys('g');
        screen = await tm.waitFor('(top)');
        expect(screen).toMatch(/lines 1-\d+ of 104 \(top\)/);
        await tm.keys('q');
        await tm.waitFor('[exited 0]');
      } finally {
        await tm.kill();
      }
    }, 60_000);
  }
});
