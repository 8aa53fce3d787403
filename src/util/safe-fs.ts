/**
 * The data home is not a trap. Whoever else can write into it could plant a symlink (the log
 * writer would append JSON to ~/.bashrc), a FIFO or a device as log.jsonl (every listing would
 * hang, or read forever), or edit logs. So: logs are opened with O_NOFOLLOW and O_NONBLOCK and
 * must be regular files; the data home, its incidents folder, each incident folder and each
 * log must not be writable by group or others; a data home on a pseudo file system (/proc,
 * /sys) is refused. Each refusal is one line with the command that fixes it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';

export class UnsafePathError extends UserError {
  constructor(message: string, hint: string) {
    super(message, { code: 'unsafe', hint });
    this.name = 'UnsafePathError';
  }
}

// statfs magic numbers of file systems that are views of the kernel, not storage.
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x1cd1, 'devpts'], [0x64626720, 'debugfs'], [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'], [0x6165676c, 'pstore'], [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'], [0x42494e4d, 'binfmt_misc'], [0x19800202, 'mqueue'], [0xf97cff8c, 'selinuxfs'],
  [0x6e736673, 'nsfs'], [0xde5e81e4, 'efivarfs'], [0x65735543, 'fusectl'],
]);

const KIND: [(s: fs.Stats) => boolean, string][] = [
  [(s) => s.isSymbolicLink(), 'a symbolic link'],
  [(s) => s.isFIFO(), 'a FIFO'],
  [(s) => s.isSocket(), 'a socket'],
  [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'],
  [(s) => s.isDirectory(), 'a folder'],
];

/** What a non-regular file is, in words. */
export function kindOf(st: fs.Stats): string {
  return KIND.find(([is]) => is(st))?.[1] ?? 'not a regular file';
}

/** The pseudo file system `path` (or its nearest existing ancestor) is on, if any. */
export function pseudoFileSystem(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    let type: number | undefined;
    try {
      type = fs.statfsSync(p).type;
    } catch {
      type = undefined;
    }
    if (type !== undefined) return PSEUDO_FS.get(type);
    if (dirname(p) === p) return undefined;
  }
}

let ownGroup: boolean | undefined;

/**
 * Whether group `gid` is this user's private group (the user's primary group, named after the
 * user, with no other members): with umask 002 (Red Hat's default for users) files are group
 * writable, and that group is only the user.
 */
function isPrivateGroup(gid: number): boolean {
  if (typeof process.getgid !== 'function' || gid !== process.getgid()) return false;
  if (ownGroup === undefined) {
    ownGroup = false;
    try {
      const user = os.userInfo().username;
      const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid));
      const [name, , , members] = (line ?? '').split(':');
      ownGroup = name === user && (members ?? '').trim() === '';
    } catch {
      ownGroup = false;
    }
  }
  return ownGroup;
}

function refuseLooseMode(path: string, st: fs.Stats, what: string): void {
  if ((st.mode & 0o002) !== 0 || ((st.mode & 0o020) !== 0 && !isPrivateGroup(st.gid))) {
    const who = st.mode & 0o002 ? 'anyone' : 'its group';
    throw new UnsafePathError(`${what} ${path} is writable by ${who} (mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}), who could change what oncall reads and runs`, `chmod go-w ${shellWord(path)}`);
  }
}

function shellWord(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The data home and its incidents folder, where they exist: real folders (the home itself may
 * be reached through a symlink; the incidents folder may not), not writable by group or
 * others, not on a pseudo file system.
 */
export function checkHome(home: string): void {
  const pseudo = pseudoFileSystem(home);
  if (pseudo) throw new UnsafePathError(`the data home ${home} is on ${pseudo}, a view of the kernel, not storage`, 'set ONCALL_HOME to a folder on a local disk');
  let st: fs.Stats;
  try {
    st = fs.statSync(home);
  } catch {
    return;
  }
  if (!st.isDirectory()) throw new UserError(`cannot read the data home ${home}: it is ${st.isFile() ? 'a file' : kindOf(st)}, not a folder`, { code: 'logWrite', hint: 'set ONCALL_HOME to a folder' });
  refuseLooseMode(home, st, 'the data home');
  checkFolder(join(home, 'incidents'), 'the incidents folder');
}

/** A folder inside the data home: a real folder (no symlink), not writable by group or others; absent is fine. */
export function checkFolder(path: string, what: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch {
    return;
  }
  if (!st.isDirectory()) throw new UnsafePathError(`${what} ${path} is ${kindOf(st)}, not a folder`, `move it away: mv ${shellWord(path)} ${shellWord(`${path}.moved`)}`);
  refuseLooseMode(path, st, what);
}

/**
 * Opens an incident log: never through a symlink, never blocking on a FIFO, only a regular
 * file that neither it nor its folder can be written by group or others. `write` opens it
 * for appending (the file must exist: createIncidentLog makes it).
 */
export function openLog(path: string, write: boolean): number {
  checkFolder(dirname(path), 'the incident folder');
  const flags = (write ? fs.constants.O_RDWR | fs.constants.O_APPEND : fs.constants.O_RDONLY) | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
  let fd: number;
  try {
    fd = fs.openSync(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`no incident log at ${path}`, { code: 'notFound' });
    if (code === 'ELOOP') throw new UnsafePathError(`the incident log ${path} is a symbolic link; oncall writes and reads only the file itself`, `remove the link: rm ${shellWord(path)}`);
    if (code === 'ENXIO') throw new UnsafePathError(`the incident log ${path} is a FIFO or socket, not a file`, `remove it: rm ${shellWord(path)}`);
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnsafePathError(`the incident log ${path} is ${kindOf(st)}, not a regular file`, `remove it: rm ${shellWord(path)}`);
    refuseLooseMode(path, st, 'the incident log');
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

/**
 * Where an output file (export --out, import --out) may go: a regular file or nothing at all.
 * A symlink, device, FIFO, folder or a path on a pseudo file system is refused; so is a
 * dangling symlink (rename would replace the link, not write where it points).
 */
export function checkOutputPath(path: string): void {
  const pseudo = pseudoFileSystem(dirname(path));
  if (pseudo) throw new UserError(`${path} is on ${pseudo}, a view of the kernel, not storage; not written`, { code: 'usage', hint: 'write to a file on a local disk' });
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) {
    const target = fs.existsSync(path) ? 'a symbolic link' : 'a dangling symbolic link';
    throw new UserError(`${path} is ${target}; not replaced`, { code: 'usage', hint: 'write to the file it points to, or remove the link' });
  }
  if (!st.isFile()) throw new UserError(`${path} is ${kindOf(st)}, not a regular file; not replaced`, { code: 'usage', hint: 'give a file name' });
}

/**
 * Reads a small file that steers oncall (the config, the runbook cache): without blocking on
 * a FIFO, only a regular file that group and others cannot write, at most `maxBytes`. A
 * symlink is followed only when `follow` (a config kept in a dotfiles repository is common).
 * A missing file throws the ENOENT error for the caller to handle.
 */
export function readSmallFile(path: string, opts: { what: string; maxBytes: number; follow: boolean }): string {
  const flags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (opts.follow ? 0 : fs.constants.O_NOFOLLOW);
  let fd: number;
  try {
    fd = fs.openSync(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UnsafePathError(`${opts.what} ${path} is a symbolic link`, `remove the link: rm ${shellWord(path)}`);
    if (code === 'ENXIO') throw new UnsafePathError(`${opts.what} ${path} is a FIFO or socket, not a file`, `remove it: rm ${shellWord(path)}`);
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnsafePathError(`${opts.what} ${path} is ${kindOf(st)}, not a regular file`, `remove it: rm ${shellWord(path)}`);
    refuseLooseMode(path, st, opts.what);
    if (st.size > opts.maxBytes) throw new UserError(`${opts.what} ${path} is ${st.size} bytes, over the ${opts.maxBytes}-byte limit`, { code: 'invalidInput' });
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, off);
      if (n <= 0) break;
      off += n;
    }
    return buf.toString('utf8', 0, off);
  } finally {
    fs.closeSync(fd);
  }
}
