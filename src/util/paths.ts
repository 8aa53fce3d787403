import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** Where incidents live: ONCALL_HOME, else $XDG_STATE_HOME/oncall, else ~/.local/state/oncall. */
export function dataHome(env: Env = process.env): string {
  if (env.ONCALL_HOME) return resolve(env.ONCALL_HOME);
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'oncall');
}

/** The config file: ONCALL_CONFIG, else $XDG_CONFIG_HOME/oncall/config.yaml, else ~/.config/oncall/config.yaml. */
export function configPath(env: Env = process.env): string {
  if (env.ONCALL_CONFIG) return resolve(env.ONCALL_CONFIG);
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'oncall', 'config.yaml');
}
