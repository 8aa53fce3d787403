// The built binary in a real terminal (tmux): the demo, run, skip, note, quit, resume.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogFile } from '../../src/incident/reader.js';
import { listIncidentIds } from '../../src/incident/incidents.js';
import { BIN, tempDir } from '../helpers/cli.js';
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
    await tmux.waitFor('(Enter saves, Esc cancels)');
    await tmux.type('reporter says it is slow since 09:00');
    await tmux.keys('Enter');
    await tmux.waitFor('note recorded');

    await tmux.keys('q');
    screen = await tmux.waitFor('[exited 0]');
    const id = /Incident (\d{8}-\d{4}-\w{4}) \(investigating\)/.exec(screen)?.[1];
    expect(id).toBeDefined();
    await tmux.kill();

    const events = readLogFile(join(env.ONCALL_HOME, 'incidents', id!, 'log.jsonl')).events;
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'runbook.selected', 'step.started', 'command.ran', 'step.completed', 'step.skipped', 'note.added']);
    expect(events[5]!.data).toEqual({ step: 'memory', reason: 'swap is off on this box' });
    expect(events[6]!.data).toEqual({ text: 'reporter says it is slow since 09:00' });
    expect(events[6]!.actor).toEqual({ kind: 'human', name: 'alice' });

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
});
