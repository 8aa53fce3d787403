/**
 * Sharing incidents through a git remote. One sync round: fetch; merge this home's copy of the
 * repository with the remote's, file by file (every file is one replica's append-only chain,
 * so one side is always a prefix of the other, or someone rewrote history: refused); add this
 * home's new complete records; push (again from the fetch when someone pushed first); write the
 * other replicas' files into the data home. See docs/SHARING.md.
 *
 * The local repository is bare (`$ONCALL_HOME/share/repo.git`): commits are built with git's
 * plumbing from records read off the logs, so nothing ever checks files out over a log that a
 * writer is appending to, and a pushed file holds only whole, chained records.
 */
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LogWriteError, UserError } from '../errors.js';
import { logLock } from '../incident/lock.js';
import { INCIDENT_ID, listIncidentIds } from '../incident/incidents.js';
import { readLogFile } from '../incident/reader.js';
import { ensureHomeReplica, homeReplica, REPLICA_ID, REPLICAS_DIR, type ReplicaInfo } from '../incident/replicas.js';
import { ensureHome, incidentsDir, logPath } from '../incident/store.js';
import { AtomicFile } from '../util/atomic-write.js';
import { checkFolder, readSmallFile } from '../util/safe-fs.js';
import { git, GitError, gitText, type GitOptions } from './git.js';

export const BRANCH = 'main';
const REMOTE_REF = `refs/remotes/origin/${BRANCH}`;
const LOCAL_REF = `refs/heads/${BRANCH}`;
/** Paths of the repository this version reads: `incidents/<incident>/<replica>.jsonl`. */
const LOG_PATH = /^incidents\/([0-9]{8}-[0-9]{4}-[a-z2-9]{4})\/([a-z2-9]{6})\.jsonl$/;

export function shareDir(home: string): string {
  return join(home, 'share');
}

export interface ShareConfig {
  url: string;
}

/** The remote this home shares through, or undefined when it does not share. */
export function shareConfig(home: string): ShareConfig | undefined {
  let text: string;
  try {
    text = readSmallFile(join(shareDir(home), 'share.json'), { what: 'the share settings', maxBytes: 8192, follow: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const v = JSON.parse(text) as Partial<ShareConfig>;
  if (typeof v.url !== 'string' || !v.url) throw new UserError(`${join(shareDir(home), 'share.json')} names no remote`, { code: 'invalidInput', hint: 'run `oncall share init URL` again' });
  return { url: v.url };
}

/** What the last rounds did: shown by `share status` and the screen's header. */
export interface ShareState {
  last_attempt?: string;
  last_success?: string;
  last_error?: string;
  /** Per incident: how many of this home's records the remote holds (as of the last success). */
  pushed: Record<string, number>;
  /** Per incident: this home's log size and the blob it gave, so an unchanged log is not read again. */
  own: Record<string, { size: number; blob: string; count: number }>;
  /** Per repository path: the blob last written into the data home. */
  peers: Record<string, string>;
}

export function readShareState(home: string): ShareState {
  try {
    const v = JSON.parse(readSmallFile(join(shareDir(home), 'state.json'), { what: 'the share state', maxBytes: 16 * 1024 * 1024, follow: false })) as Partial<ShareState>;
    return { pushed: v.pushed ?? {}, own: v.own ?? {}, peers: v.peers ?? {}, ...(v.last_attempt ? { last_attempt: v.last_attempt } : {}), ...(v.last_success ? { last_success: v.last_success } : {}), ...(v.last_error ? { last_error: v.last_error } : {}) };
  } catch {
    // Lost or damaged: the next round rebuilds it from the repository and the logs.
    return { pushed: {}, own: {}, peers: {} };
  }
}

function writeShareState(home: string, s: ShareState): void {
  const path = join(shareDir(home), 'state.json');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
  renameSync(tmp, path);
}

export interface Refusal {
  incident: string;
  replica: string;
  /** The first seq where the two copies differ. */
  seq: number;
  why: string;
}

export interface SyncResult {
  ok: boolean;
  /** Another sync of this home was running: this round did nothing. */
  busy?: boolean;
  /** This home's records pushed by this round, and other replicas' records written into the data home. */
  pushed: number;
  received: number;
  /** Incidents with records received. */
  changed: string[];
  /** The remote's copy of a replica's file is not an extension of this home's (exit 5). */
  refused: Refusal[];
  /** Why the round failed (unreachable, push rejected too often, git failed): one line. */
  error?: string;
  /** This home's records not on the remote yet, per incident. */
  pending: Record<string, number>;
  state: ShareState;
}

export interface SyncOptions {
  env: NodeJS.ProcessEnv;
  /** Only this incident's records are added (every incident's are still merged and received). */
  incident?: string;
  /** Wait for another round of this home to end (the CLI); the screen's rounds skip instead. */
  wait?: boolean;
  now?: () => Date;
  /** Documents to commit beside the logs (export-postmortem --share): this round's copy replaces the one there. */
  files?: { path: string; content: Buffer }[];
}

/** `oncall share init`: the repository, the remote, this home's replica. Idempotent for the same URL. */
export async function initShare(home: string, url: string, label: string, env: NodeJS.ProcessEnv): Promise<{ replica: ReplicaInfo; created: boolean }> {
  ensureHome(home);
  const dir = shareDir(home);
  const existing = shareConfig(home);
  if (existing && existing.url !== url) throw new UserError(`this data home already shares through ${redactUrl(existing.url)}`, { code: 'conflict', hint: `remove ${dir} to share through another remote (its records stay in the logs)` });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const gitDir = join(dir, 'repo.git');
  const o: GitOptions = { gitDir, env };
  if (!existsSync(join(gitDir, 'HEAD'))) await git(o, ['init', '-q', '--bare', `--initial-branch=${BRANCH}`, gitDir]);
  await git(o, ['config', 'remote.origin.url', url]);
  await git(o, ['config', 'remote.origin.fetch', `+refs/heads/*:refs/remotes/origin/*`]);
  // The repository is oncall's: no background gc racing a round, no reflogs growing forever.
  await git(o, ['config', 'gc.auto', '0']);
  await git(o, ['config', 'core.logAllRefUpdates', 'false']);
  const replica = ensureHomeReplica(home, label);
  writeFileSync(join(dir, 'share.json'), `${JSON.stringify({ url })}\n`, { mode: 0o600 });
  return { replica, created: !existing };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/, '//***@');
}

/** One sync round (see the module comment). */
export async function syncRound(home: string, opts: SyncOptions): Promise<SyncResult> {
  const cfg = shareConfig(home);
  if (!cfg) throw new UserError('this data home does not share its incidents', { code: 'notFound', hint: 'run `oncall share init REMOTE-URL` first' });
  const me = homeReplica(home);
  if (!me) throw new UserError('this data home has no replica id', { code: 'notFound', hint: 'run `oncall share init REMOTE-URL` again' });
  const dir = shareDir(home);
  const now = opts.now ?? (() => new Date());
  const lockPath = join(dir, 'sync.lock');
  const fd = openSync(lockPath, 'a+', 0o600);
  const lock = logLock(fd, lockPath, opts.wait ? 120_000 : 0);
  let state = readShareState(home);
  try {
    try {
      lock.lock();
    } catch (err) {
      if (err instanceof LogWriteError && !opts.wait) return { ok: false, busy: true, pushed: 0, received: 0, changed: [], refused: [], pending: pendingOf(home, state), state };
      throw err;
    }
    // Read under the lock: a round that waited for another must not write back what it read before.
    state = readShareState(home);
    const round = new Round(home, me, { gitDir: join(dir, 'repo.git'), env: opts.env }, state, opts.incident, opts.files ?? []);
    state.last_attempt = now().toISOString();
    let result: Omit<SyncResult, 'state' | 'pending'>;
    try {
      result = await round.run();
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      result = { ok: false, pushed: 0, received: round.received, changed: [...round.changed], refused: [], error: err.message };
    }
    if (result.ok) {
      state.last_success = state.last_attempt;
      delete state.last_error;
    } else state.last_error = result.error ?? (result.refused[0] ? refusalLine(result.refused[0]) : 'failed');
    writeShareState(home, state);
    return { ...result, pending: pendingOf(home, state), state };
  } finally {
    try {
      lock.unlock();
    } catch {
      // closing releases it
    }
    closeSync(fd);
  }
}

export function refusalLine(r: Refusal): string {
  return `incident ${r.incident}: the remote's copy of replica ${r.replica} differs from this home's at seq ${r.seq} (${r.why}); this home's copy is kept`;
}

/** This home's records not yet on the remote, per incident (from each log's size: no parsing when unchanged). */
export function pendingOf(home: string, state: ShareState): Record<string, number> {
  const out: Record<string, number> = {};
  let ids: string[];
  try {
    ids = listIncidentIds(home);
  } catch {
    return out;
  }
  for (const id of ids) {
    let size: number;
    try {
      size = statSync(logPath(home, id)).size;
    } catch {
      continue;
    }
    const known = state.own[id];
    let count: number;
    if (known && known.size === size) count = known.count;
    else {
      try {
        const events = readLogFile(logPath(home, id)).events;
        // Drills are never pushed (Round.addOwn): nothing of them is pending.
        count = events[1]?.type === 'drill.started' ? 0 : events.length;
      } catch {
        continue;
      }
    }
    const n = count - (state.pushed[id] ?? 0);
    if (n > 0) out[id] = n;
  }
  return out;
}

type Tree = Map<string, string>;
const identities = new Map<string, { who: Record<string, string>; sign: boolean }>();

class Round {
  received = 0;
  readonly changed = new Set<string>();
  private readonly blobs = new Map<string, Buffer>();

  constructor(private readonly home: string, private readonly me: ReplicaInfo, private readonly o: GitOptions, private readonly state: ShareState, private readonly only: string | undefined, private readonly files: { path: string; content: Buffer }[]) {}

  async run(): Promise<Omit<SyncResult, 'state' | 'pending'>> {
    this.cleanStale();
    let fetched = await this.fetch();
    for (let attempt = 0; ; attempt++) {
      const local = await this.rev(LOCAL_REF);
      const remote = fetched ? await this.rev(REMOTE_REF) : undefined;
      const localTree = local ? await this.tree(local) : new Map<string, string>();
      const remoteTree = remote === local ? localTree : remote ? await this.tree(remote) : new Map<string, string>();
      const refused: Refusal[] = [];
      const merged = remote === local ? new Map(localTree) : await this.merge(localTree, remoteTree, refused);
      const own = await this.addOwn(merged, refused);
      for (const f of this.files) merged.set(f.path, await gitText(this.o, ['hash-object', '-w', '--stdin'], { input: f.content }));
      if (refused.length) return { ok: false, pushed: 0, received: this.received, changed: [...this.changed], refused };
      await this.receive(merged, refused);
      if (refused.length) return { ok: false, pushed: 0, received: this.received, changed: [...this.changed], refused };
      if (!fetched) return { ok: false, pushed: 0, received: this.received, changed: [...this.changed], refused, error: this.fetchError ?? 'the remote could not be reached' };
      const unchanged = own.length === 0 && sameTree(merged, remoteTree);
      if (unchanged) {
        if (remote && remote !== local) await git(this.o, ['update-ref', LOCAL_REF, remote]);
        this.markPushed(merged);
        return { ok: true, pushed: 0, received: this.received, changed: [...this.changed], refused };
      }
      const commit = await this.commit(merged, [remote, local !== remote && local && !(remote && (await this.isAncestor(local, remote))) ? local : undefined], own);
      const pushed = await this.push(commit);
      if (pushed === true) {
        await git(this.o, ['update-ref', LOCAL_REF, commit]);
        await git(this.o, ['update-ref', REMOTE_REF, commit]);
        this.markPushed(merged);
        return { ok: true, pushed: await this.ownLines(merged) - await this.ownLines(remoteTree), received: this.received, changed: [...this.changed], refused };
      }
      // Keep what was built: the next round starts from it even if the remote stays away.
      await git(this.o, ['update-ref', LOCAL_REF, commit]);
      if (pushed !== 'rejected' || attempt >= 4) return { ok: false, pushed: 0, received: this.received, changed: [...this.changed], refused, error: pushed === 'rejected' ? 'the remote kept rejecting the push (others pushing at the same time); the next round tries again' : pushed };
      // Someone pushed first: fetch their records and build again on top of them.
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 150)));
      fetched = await this.fetch();
    }
  }

  private fetchError: string | undefined;

  /** false when the remote could not be reached (the round still writes nothing wrong: it stops before pushing). */
  private async fetch(): Promise<boolean> {
    try {
      await git(this.o, ['fetch', '-q', '--no-tags', '--no-write-fetch-head', 'origin', `+${LOCAL_REF}:${REMOTE_REF}`]);
      return true;
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      // A new, empty remote has no branch yet: that is not an error.
      if (/couldn't find remote ref/i.test(err.stderr)) {
        await git(this.o, ['update-ref', '-d', REMOTE_REF]);
        return true;
      }
      this.fetchError = `cannot reach the remote: ${err.message.replace(/^git fetch failed( \(exit \d+\))?: /, '')}`;
      return false;
    }
  }

  private async rev(ref: string): Promise<string | undefined> {
    const r = await git(this.o, ['rev-parse', '-q', '--verify', `${ref}^{commit}`], { ok: [1] });
    return r.code === 0 ? r.stdout.toString().trim() : undefined;
  }

  private async isAncestor(a: string, b: string): Promise<boolean> {
    return (await git(this.o, ['merge-base', '--is-ancestor', a, b], { ok: [1] })).code === 0;
  }

  private async tree(commit: string): Promise<Tree> {
    const out = (await git(this.o, ['ls-tree', '-r', '-z', commit])).stdout.toString('utf8');
    const t: Tree = new Map();
    for (const entry of out.split('\0')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
      if (m) t.set(m[2]!, m[1]!);
    }
    return t;
  }

  private async blob(sha: string): Promise<Buffer> {
    let b = this.blobs.get(sha);
    if (!b) this.blobs.set(sha, (b = (await git(this.o, ['cat-file', 'blob', sha])).stdout));
    return b;
  }

  /** Path by path: the longer of two copies when one extends the other; anything else is refused. */
  private async merge(local: Tree, remote: Tree, refused: Refusal[]): Promise<Tree> {
    const out: Tree = new Map(remote);
    for (const [path, sha] of local) {
      const theirs = remote.get(path);
      if (theirs === undefined || theirs === sha) {
        out.set(path, sha);
        continue;
      }
      const m = LOG_PATH.exec(path);
      if (!m) continue; // not a log: the remote's copy stands
      const [a, b] = [await this.blob(sha), await this.blob(theirs)];
      if (isPrefix(a, b)) out.set(path, theirs);
      else if (isPrefix(b, a)) out.set(path, sha);
      else refused.push({ incident: m[1]!, replica: m[2]!, seq: firstDifferingSeq(a, b), why: 'the remote history was rewritten' });
    }
    return out;
  }

  /** This home's complete records, for every incident whose log grew since the last round. */
  private async addOwn(tree: Tree, refused: Refusal[]): Promise<{ id: string; path: string; count: number; added: number }[]> {
    const added: { id: string; path: string; count: number; added: number }[] = [];
    for (const id of listIncidentIds(this.home)) {
      if (this.only && id !== this.only) continue;
      const log = logPath(this.home, id);
      let size: number;
      try {
        size = statSync(log).size;
      } catch {
        continue; // joined, never written to
      }
      const path = `incidents/${id}/${this.me.id}.jsonl`;
      const have = tree.get(path);
      const known = this.state.own[id];
      if (known && known.size === size && known.blob === have) continue;
      // Only the chain: whole records, each the next of the one before. A torn line never leaves this machine.
      const events = readLogFile(log).events;
      if (events.length === 0) continue;
      // A drill is one person's practice: it stays on this machine.
      if (events[1]?.type === 'drill.started') {
        this.state.own[id] = { size, blob: have ?? '', count: 0 };
        continue;
      }
      const content = Buffer.from(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
      const before = have ? await this.blob(have) : Buffer.alloc(0);
      if (have && !isPrefix(before, content)) {
        refused.push({ incident: id, replica: this.me.id, seq: firstDifferingSeq(before, content), why: isPrefix(content, before) ? "the remote holds more of this home's records than its log does" : "the remote's copy of this home's file was rewritten" });
        continue;
      }
      const sha = before.length === content.length ? have! : (await gitText(this.o, ['hash-object', '-w', '--stdin'], { input: content }));
      this.state.own[id] = { size, blob: sha, count: events.length };
      if (sha === have) continue;
      tree.set(path, sha);
      added.push({ id, path, count: events.length, added: events.length - lineCount(before) });
    }
    return added;
  }

  /** Other replicas' files into the data home, each only as an extension of what is there. */
  private async receive(tree: Tree, refused: Refusal[]): Promise<void> {
    for (const [path, sha] of tree) {
      const m = LOG_PATH.exec(path);
      if (!m || m[2] === this.me.id || !REPLICA_ID.test(m[2]!) || !INCIDENT_ID.test(m[1]!)) continue;
      if (this.state.peers[path] === sha) continue;
      const [incident, replica] = [m[1]!, m[2]!];
      const dir = join(incidentsDir(this.home), incident);
      const file = join(dir, REPLICAS_DIR, `${replica}.jsonl`);
      const content = await this.blob(sha);
      let local = Buffer.alloc(0);
      if (existsSync(file)) {
        const st = lstatSync(file);
        if (!st.isFile()) throw new UserError(`${file} is not a regular file`, { code: 'unsafe', hint: `remove it: rm ${file}` });
        local = readFileSync(file);
      }
      if (local.equals(content)) {
        this.state.peers[path] = sha;
        continue;
      }
      if (!isPrefix(local, content)) {
        refused.push({ incident, replica, seq: firstDifferingSeq(local, content), why: isPrefix(content, local) ? 'the remote holds fewer of its records than this home has' : 'the remote history was rewritten' });
        continue;
      }
      mkdirSync(join(dir, REPLICAS_DIR), { recursive: true, mode: 0o700 });
      // Never through a symlinked or loose folder: the same checks as every reader makes.
      checkFolder(dir, 'the incident folder');
      checkFolder(join(dir, REPLICAS_DIR), 'the replicas folder');
      const f = new AtomicFile(file);
      try {
        f.write(content);
        f.commit();
      } catch (err) {
        f.abort();
        throw err;
      }
      this.state.peers[path] = sha;
      this.received += lineCount(content) - lineCount(local);
      this.changed.add(incident);
    }
  }

  private async commit(tree: Tree, parents: (string | undefined)[], own: { id: string; added: number }[]): Promise<string> {
    const index = join(shareDir(this.home), `index.${process.pid}`);
    const o = { ...this.o, env: { ...this.o.env, GIT_INDEX_FILE: index } };
    try {
      await git(o, ['read-tree', '--empty']);
      const lines = [...tree].map(([path, sha]) => `100644 ${sha}\t${path}`).join('\n');
      if (lines) await git(o, ['update-index', '--add', '--index-info'], { input: `${lines}\n` });
      const treeSha = await gitText(o, ['write-tree']);
      const { who, sign } = await this.identity();
      const n = own.reduce((k, x) => k + x.added, 0);
      const msg = `oncall sync: ${this.me.label || this.me.id} (replica ${this.me.id}), ${n} record${n === 1 ? '' : 's'}${own.length ? ` in ${own.map((x) => x.id).join(', ').slice(0, 400)}` : ''}`;
      const args = ['commit-tree', treeSha, ...[...new Set(parents.filter((p): p is string => !!p))].flatMap((p) => ['-p', p]), '-m', msg, ...(sign ? ['-S'] : [])];
      return await gitText({ ...this.o, env: { ...this.o.env, ...who } }, args);
    } finally {
      try {
        unlinkSync(index);
      } catch {
        // never written
      }
    }
  }

  /**
   * The user's git identity when they have one, else the replica's (a commit never fails for
   * want of a name), and whether they sign commits. Asked once per process: the screen's
   * rounds do not spawn git twice more for it every second.
   */
  private async identity(): Promise<{ who: Record<string, string>; sign: boolean }> {
    const cached = identities.get(this.o.gitDir);
    if (cached) return cached;
    const email = (await git(this.o, ['config', 'user.email'], { ok: [1] })).stdout.toString().trim();
    const sign = (await git(this.o, ['config', '--bool', 'commit.gpgSign'], { ok: [1] })).stdout.toString().trim() === 'true';
    const name = this.me.label || `oncall ${this.me.id}`;
    const mail = `${this.me.id}@oncall.invalid`;
    const who: Record<string, string> = email || this.o.env.GIT_AUTHOR_EMAIL ? {} : { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: mail, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: mail };
    const id = { who, sign };
    identities.set(this.o.gitDir, id);
    return id;
  }

  /** true, 'rejected' (someone pushed first), or the error line. */
  private async push(commit: string): Promise<true | 'rejected' | string> {
    try {
      await git(this.o, ['push', '-q', '--porcelain', 'origin', `${commit}:${LOCAL_REF}`]);
      return true;
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      if (/\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(lock|cannot lock)/i.test(err.stderr + err.message)) return 'rejected';
      return `push failed: ${err.message.replace(/^git push failed( \(exit \d+\))?: /, '')}`;
    }
  }

  /** This home's records in a tree: what a push adds is the difference, whatever an earlier failed round left in the local branch. */
  private async ownLines(tree: Tree): Promise<number> {
    let n = 0;
    for (const [path, sha] of tree) if (path.endsWith(`/${this.me.id}.jsonl`) && LOG_PATH.test(path)) n += lineCount(await this.blob(sha));
    return n;
  }

  private markPushed(tree: Tree): void {
    for (const [id, known] of Object.entries(this.state.own)) {
      if (tree.get(`incidents/${id}/${this.me.id}.jsonl`) === known.blob) this.state.pushed[id] = known.count;
    }
  }

  /**
   * Leftovers of a round that was killed: git's lock files in our repository (only oncall runs
   * git there, and this process holds the round's lock) and temporary files beside replicas.
   */
  private cleanStale(): void {
    const gitDir = this.o.gitDir;
    const walk = (d: string, depth: number) => {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        return;
      }
      for (const n of names) {
        const p = join(d, n);
        if (n.endsWith('.lock')) unlinkQuiet(p);
        else if (depth < 6 && (n === 'refs' || d !== gitDir) && isDir(p)) walk(p, depth + 1);
      }
    };
    walk(gitDir, 0);
    for (const n of safeList(shareDir(this.home))) if (/^index\.\d+$/.test(n) || /\.tmp$/.test(n)) unlinkQuiet(join(shareDir(this.home), n));
  }
}

function safeList(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

function unlinkQuiet(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // gone already
  }
}

function isDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function sameTree(a: Tree, b: Tree): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** `a` is whole lines at the start of `b`: an append-only file that only grew. */
function isPrefix(a: Buffer, b: Buffer): boolean {
  return a.length <= b.length && (a.length === 0 || a[a.length - 1] === 10) && b.subarray(0, a.length).equals(a);
}

function lineCount(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** The seq of the first line where two copies of one chain differ (line n holds seq n). */
function firstDifferingSeq(a: Buffer, b: Buffer): number {
  let line = 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return line;
    if (a[i] === 10) line++;
  }
  return line;
}

export function defaultLabel(operatorName: string): string {
  let host = 'host';
  try {
    host = hostname();
  } catch {
    // keep the default
  }
  return `${operatorName}@${host}`.slice(0, 120);
}
