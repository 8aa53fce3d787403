// Markdown runbooks in the styles teams write → runbook YAML. UPDATE_GOLDEN=1 rewrites the goldens.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importMarkdown, rewritePlaceholders } from '../../src/import/markdown.js';
import { classifyCommand } from '../../src/runbook/command-safety.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { ROOT } from '../helpers/cli.js';

const DIR = join(ROOT, 'test/fixtures/import');
const files = readdirSync(DIR).filter((f) => f.endsWith('.md')).sort();

function golden(file: string, actual: string) {
  const path = join(DIR, file);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('runbooks import', () => {
  it.each(files)('%s: matches its golden YAML and report, and the YAML validates', (f) => {
    const r = importMarkdown(readFileSync(join(DIR, f), 'utf8'), { file: f });
    golden(f.replace(/\.md$/, '.expected.yaml'), r.yaml);
    golden(f.replace(/\.md$/, '.expected-report.txt'), `${r.review.join('\n')}\n`);
    const v = parseRunbook(r.yaml, 'x.yaml');
    if (!v.ok) throw new Error(v.problems.map((p) => p.message).join('\n'));
  });

  it('prometheus-operator style: alert name from the heading, $PLACEHOLDERS become parameters bound to labels, destructive commands become actions', () => {
    const r = importMarkdown(readFileSync(join(DIR, 'prom-op-KubeDeploymentReplicasMismatch.md'), 'utf8'), { file: 'x.md' });
    expect(r.runbook.match).toEqual([{ labels: { alertname: 'KubeDeploymentReplicasMismatch' } }]);
    expect(r.runbook.parameters?.map((p) => [p.name, p.from_label])).toEqual(expect.arrayContaining([['namespace', 'namespace'], ['deployment', 'deployment']]));
    const undo = r.runbook.steps.find((s) => typeof s.command === 'string' && s.command.includes('rollout undo'));
    expect(undo).toMatchObject({ kind: 'action', shell: true, warning: expect.stringMatching(/changes things/) });
    expect(r.runbook.steps.some((s) => s.kind === 'manual' && s.instructions?.includes('```promql'))).toBe(true);
    expect(r.review.join('\n')).toMatch(/TODO/);
  });

  it('OpenShift style: $ prompts stripped, output kept as a hint, <placeholders> become parameters, interactive sessions stay manual', () => {
    const r = importMarkdown(readFileSync(join(DIR, 'openshift-EtcdHighFsyncDurations.md'), 'utf8'), { file: 'x.md' });
    const pods = r.runbook.steps.find((s) => s.command === 'oc get pods -n openshift-etcd -l app=etcd -o wide');
    expect(pods).toMatchObject({ kind: 'check' });
    expect(pods?.instructions).toMatch(/Expected output looks like:[\s\S]*etcd-master-0/);
    expect(r.runbook.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['pod_name', 'node_name']));
    expect(r.runbook.parameters?.find((p) => p.name === 'node_name')?.from_label).toBe('node');
    expect(r.runbook.steps.find((s) => s.instructions?.includes('oc debug node/'))?.kind).toBe('manual');
    expect(r.runbook.steps.find((s) => typeof s.command === 'string' && /oc delete pod/.test(s.command))?.kind).toBe('action');
  });

  it('GitLab style: {{ $labels.x }} and ${VAR} become parameters; empty sections and TODOs are reported and marked', () => {
    const r = importMarkdown(readFileSync(join(DIR, 'gitlab-redis-memory.md'), 'utf8'), { file: 'x.md' });
    expect(r.runbook.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['instance', 'redis_host']));
    expect(r.runbook.steps.find((s) => typeof s.command === 'string' && /FLUSHDB/i.test(s.command))?.kind).toBe('action');
    expect(r.review.join('\n')).toMatch(/section "Recent changes" is empty/);
    expect(r.runbook.steps.find((s) => s.title.includes('Recent changes'))?.instructions).toMatch(/^REVIEW: this section was empty/);
  });

  it('a page with no code blocks still imports, as manual steps', () => {
    const r = importMarkdown(readFileSync(join(DIR, 'no-code.md'), 'utf8'), { file: 'x.md' });
    expect(r.runbook.steps.length).toBeGreaterThan(1);
    expect(r.runbook.steps.every((s) => s.kind === 'manual')).toBe(true);
  });

  it('classifies commands: reads are checks, changes are actions, the rest is unknown', () => {
    expect(classifyCommand('kubectl get pods -n x | grep Crash')).toBe('check');
    expect(classifyCommand('kubectl -n x delete pod y')).toBe('action');
    expect(classifyCommand('sudo systemctl restart chronyd')).toBe('action');
    expect(classifyCommand('psql -c "SELECT pg_drop_replication_slot(\'x\')"')).toBe('action');
    expect(classifyCommand('rm -rf /var/log/old')).toBe('action');
    expect(classifyCommand('./fix-it.sh --now')).toBe('unknown');
  });

  it('rewrites every placeholder form to an environment reference, never a shell splice', () => {
    const p = new Map();
    expect(rewritePlaceholders('kubectl logs <pod-name> -n {{ $labels.namespace }} -c $CONTAINER POD', p)).toBe('kubectl logs ${POD_NAME} -n ${NAMESPACE} -c $CONTAINER ${POD}');
    expect([...p.keys()]).toEqual(['NAMESPACE', 'POD_NAME', 'CONTAINER', 'POD']);
    expect(rewritePlaceholders('cat <<EOF\nx\nEOF\necho $HOME', new Map())).toBe('cat <<EOF\nx\nEOF\necho $HOME');
  });


  it('sessions: what is typed inside oc debug, kubectl exec -it or psql never becomes a local runnable step; prompts go, sample output stays', () => {
    const r = importMarkdown(readFileSync(join(DIR, 'sessions-PostgresIdleInTransaction.md'), 'utf8'), { file: 'sessions-PostgresIdleInTransaction.md' });
    const runnable = r.runbook.steps.filter((s) => s.command !== undefined).map((s) => String(s.command));
    for (const inner of ['SELECT pid', '\\q', 'chroot /host', 'df -h /var/lib/postgresql']) expect(runnable.join('\n')).not.toContain(inner);
    const db = r.runbook.steps.find((s) => s.id === 'diagnosis-inside-the-database')!;
    expect(db.kind).toBe('manual');
    expect(db.instructions).toContain('kubectl exec -it $POD -n db -- psql -U postgres');
    expect(db.instructions).toMatch(/Then, inside it, in order:\n\n```sh\nSELECT pid, state, xact_start FROM pg_stat_activity WHERE state = 'idle in transaction';\n\\q\n```/);
    expect(db.instructions).toContain(' 12345 | idle in transaction |');
    expect(db.instructions).not.toMatch(/postgres=#|sh-4\.4#/);
    // The alert name from a one-word heading in any case; subsections keep their parent's name; no fence language in titles.
    expect(r.runbook.match).toEqual([{ labels: { alertname: 'postgresIdleInTransaction' } }]);
    expect(r.runbook.steps.map((s) => s.title)).toEqual(['Introduction', 'Diagnosis: Inside the database', 'Diagnosis: On the node', 'Mitigation: Terminate the session', 'Mitigation: Disaster and recovery']);
  });

  it('a label the text names is the from_label of the parameter of that name', () => {
    const r = importMarkdown('# ShardLagging\n\nThe `shard` label names the lagging shard.\n\n## Diagnosis\n\n```sh\nvtctl GetShard "$SHARD"\n```\n', { file: 'x.md' });
    expect(r.runbook.parameters).toEqual([expect.objectContaining({ name: 'shard', from_label: 'shard' })]);
  });

  it('remote prompts and session openers never let a remote command run locally; continuation lines stay with their command', () => {
    const r = importMarkdown(readFileSync(join(DIR, 'hostile-sessions.md'), 'utf8'), { file: 'hostile-sessions.md' });
    const runnable = r.runbook.steps.filter((s) => s.command !== undefined).map((s) => String(s.command)).join('\n');
    for (const remote of ['pg_terminate_backend', 'DROP TABLE', 'DROP DATABASE', 'db.users.drop', 'FLUSHALL', 'rm -rf /tmp/cache', 'crictl rmp', 'rm -rf /data/old', 'node-1 is NotReady']) expect(runnable, remote).not.toContain(remote);
    // "# systemctl restart etcd" in a block with "$ " prompts is a comment, never a command.
    expect(runnable).not.toMatch(/^systemctl restart etcd$/m);
    const fix = r.runbook.steps.find((s) => s.id === 'fix')!;
    expect(fix.command).toBe('systemctl status etcd\ncat <<\'EOF2\' | sudo tee /etc/logrotate.d/app\n/var/log/app/*.log { daily }\nEOF2\nfor f in /tmp/a /tmp/b; do\n  rm "$f"\ndone');
    expect(r.runbook.steps.filter((s) => s.id.startsWith('db-')).every((s) => s.kind === 'manual')).toBe(true);
  });
});
