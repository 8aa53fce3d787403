/** Mounting the screens: the only place that calls ink's render. Loaded lazily by `oncall start`. */
import { render } from 'ink';
import { createElement } from 'react';
import type { Actor } from '../incident/events.js';
import { preloadExec } from '../exec/run.js';
import { LogFollower } from '../incident/follow.js';
import type { BackgroundSync } from '../share/background.js';
import type { IncidentState } from '../incident/replay.js';
import type { IncidentStore } from '../incident/store.js';
import { App, type AppProps } from './App.js';
import { Picker, type PickItem } from './Picker.js';

export type { PickItem };

interface Tty {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

export async function pickStart(tty: Tty, items: PickItem[]): Promise<PickItem | undefined> {
  let chosen: PickItem | undefined;
  const app = render(createElement(Picker, { items, onPick: (i: PickItem | undefined) => (chosen = i), width: tty.stdout.columns || 80, height: tty.stdout.rows || 24 }), { exitOnCtrlC: false, stdout: tty.stdout, stdin: tty.stdin, patchConsole: false });
  await app.waitUntilExit();
  app.clear();
  return chosen;
}

export interface ScreenOptions extends Tty {
  store: IncidentStore;
  path: string;
  id: string;
  actor: Actor;
  cwd: string;
  defaultTimeoutMs: number;
  color: boolean;
  secrets?: Record<string, string>;
  hypotheses?: AppProps['hypotheses'];
  alertmanagerUrls?: string[];
  /** This home's replica id, when it shares (its own records' references in a shared incident). */
  replica?: string;
  /** A drill's source, read when the screen shows a drill (start.ts gives it). */
  loadDrill?: AppProps['loadDrill'];
  onEndDrill?: () => void;
  /** A shared home's background sync (started here, stopped when the screen ends). */
  sync?: BackgroundSync;
}

/** Runs the incident screen until the operator quits; returns the final state. */
export async function runIncidentScreen(o: ScreenOptions): Promise<IncidentState> {
  const follower = new LogFollower(o.path, o.id, o.replica);
  // Full screen in the alternate buffer, so the operator's scrollback stays as it was; bracketed
  // paste on, so pasted text is told apart from keys typed fast.
  o.stdout.write('\u001b[?1049h\u001b[H\u001b[?2004h');
  try {
    const app = render(createElement(App, { store: o.store, follower, actor: o.actor, cwd: o.cwd, defaultTimeoutMs: o.defaultTimeoutMs, color: o.color, ...(o.secrets ? { secrets: o.secrets } : {}), ...(o.hypotheses ? { hypotheses: o.hypotheses } : {}), ...(o.alertmanagerUrls ? { alertmanagerUrls: o.alertmanagerUrls } : {}), ...(o.sync && o.replica ? { sync: { replica: o.replica, runner: o.sync } } : {}), ...(o.loadDrill ? { loadDrill: o.loadDrill } : {}), ...(o.onEndDrill ? { onEndDrill: o.onEndDrill } : {}) }), { exitOnCtrlC: false, stdout: o.stdout, stdin: o.stdin, patchConsole: false });
    // The first frame is out: load the process runner now, so the first command starts at once.
    setTimeout(preloadExec, 0);
    o.sync?.start();
    await app.waitUntilExit();
  } finally {
    o.sync?.stop();
    o.stdout.write('\u001b[?2004l\u001b[?1049l');
  }
  follower.poll();
  return follower.state;
}
