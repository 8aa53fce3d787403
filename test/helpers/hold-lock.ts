// Takes the log's lock and holds it until killed: the "dead holder" in lock tests.
import { openSync } from 'node:fs';
import { logLock } from '../../src/incident/lock.js';

const fd = openSync(process.argv[2]!, 'a+');
logLock(fd, process.argv[2]!).lock();
process.stdout.write('LOCKED\n');
setInterval(() => {}, 60_000);
