// The parameter-use finder: every expansion form a shell script can use, and what it cannot see.
import { describe, expect, it } from 'vitest';
import { scanShell } from '../../src/runbook/shell-vars.js';
import { unknownVariables } from '../../src/runbook/rules.js';
import { paramsNeeded } from '../../src/runner/prepare.js';
import type { Parameter, Step } from '../../src/runbook/schema.js';

const reads = (script: string) => scanShell(script).reads;

describe('variables a shell script reads', () => {
  const forms: [string, string][] = [
    ['$NAME', 'echo $INSTANCE'],
    ['${NAME}', 'echo ${INSTANCE}'],
    ['"$NAME"', 'echo "$INSTANCE"'],
    ['"${NAME}"', 'echo "${INSTANCE}x"'],
    ['${NAME%...}', 'want="${INSTANCE%:*}"'],
    ['${NAME%%...}', 'h=${INSTANCE%%:*}'],
    ['${NAME#...}', 't="${INSTANCE#https://}"'],
    ['${NAME##...}', 't=${INSTANCE##*/}'],
    ['${NAME:-...}', 'echo "${INSTANCE:-localhost}"'],
    ['${NAME-...}', 'echo ${INSTANCE-x}'],
    ['${NAME:+...}', 'echo ${INSTANCE:+set}'],
    ['${NAME:=...}', ': ${INSTANCE:=x}'],
    ['${NAME:?...}', ': "${INSTANCE:?no instance}"'],
    ['${#NAME}', 'echo ${#INSTANCE}'],
    ['${NAME/a/b}', 'echo "${INSTANCE/:/ }"'],
    ['${NAME:0:3}', 'echo ${INSTANCE:0:3}'],
    ['$NAME inside $(...)', 'x=$(echo "$INSTANCE" | tr a b)'],
    ['$NAME inside `...`', 'x=`echo $INSTANCE`'],
    ['$NAME inside "$(...)"', 'echo "host: $(dig +short "$INSTANCE")"'],
    ['$((NAME + 1))', 'echo $((INSTANCE + 1))'],
    ['$(($NAME * 2))', 'echo $(( $INSTANCE * 2 ))'],
    ['in an expanding heredoc', 'cat <<EOF\nhost $INSTANCE\nEOF'],
    ['in a <<- heredoc', 'cat <<-EOF\n\thost ${INSTANCE}\n\tEOF'],
    ['after a backslash-newline', 'echo a \\\n  "$INSTANCE"'],
    ['nested in another expansion', 'echo "${OTHER:-$INSTANCE}"'],
    ['glued to text', 'echo host=$INSTANCE.example'],
  ];
  for (const [form, script] of forms) it(`finds ${form}`, () => expect(reads(script)).toContain('INSTANCE'));

  const not: [string, string][] = [
    ['inside single quotes', "awk '{ print $INSTANCE }'"],
    ['inside $\'...\'', "printf $'$INSTANCE\\n'"],
    ['in a comment', 'echo hi # uses $INSTANCE'],
    ['in a heredoc with a quoted delimiter', "cat <<'EOF'\n$INSTANCE\nEOF"],
    ['escaped', 'echo \\$INSTANCE'],
    ['a longer name that starts the same', 'echo $INSTANCES'],
  ];
  for (const [where, script] of not) it(`ignores $NAME ${where}`, () => expect(reads(script)).not.toContain('INSTANCE'));

  it('finds what the script assigns itself, and says when the script nests too deep to follow', () => {
    expect(scanShell('echo $(echo $(echo $A))').tooDeep).toBeUndefined();
    const s = scanShell('want=1; for f in a b; do :; done; read -r x y; export K=1; local L; readonly R=2; getopts ab opt; : ${D:=3}\necho $want $f $x $y $K $L $R $opt $D');
    expect(s.assigns).toEqual(expect.arrayContaining(['want', 'f', 'x', 'y', 'K', 'L', 'R', 'opt', 'D']));
  });
});

describe('runbooks validate: variables nothing provides', () => {
  it('reports a variable that is neither a parameter, set by the script, nor documented', () => {
    expect(unknownVariables('kubectl -n "$NAMESPACE" get pods "$POD"', ['NAMESPACE'], [])).toEqual(['POD']);
    expect(unknownVariables('echo "$HOME $PATH $USER $TMPDIR" $IFS', [], [])).toEqual([]);
    expect(unknownVariables('kubectl --kubeconfig "$KUBECONFIG" get pods', [], [])).toEqual(['KUBECONFIG']);
    expect(unknownVariables('kubectl --kubeconfig "$KUBECONFIG" get pods', [], ['KUBECONFIG'])).toEqual([]);
    expect(unknownVariables('x=$(date); echo "$x"', [], [])).toEqual([]);
    expect(unknownVariables("awk '{ print $NF, $7 }'", [], [])).toEqual([]);
  });
});

describe('which parameters a step uses', () => {
  const params: Parameter[] = ['instance', 'mountpoint', 'device', 'unused'].map((name) => ({ name, pattern: '.*' }));
  const step = (command: string | string[], shell = typeof command === 'string'): Step => ({ id: 's', title: 's', kind: 'check', command, ...(shell ? { shell: true } : {}) });
  it('argv: {{name}} anywhere in an element', () => {
    expect(paramsNeeded(step(['df', '-h', '{{mountpoint}}', '--x={{ device }}']), params).map((p) => p.name)).toEqual(['mountpoint', 'device']);
  });
  it('shell: every expansion of the parameter\'s variable, and (failing closed) a mention in single quotes too', () => {
    expect(paramsNeeded(step('want="${INSTANCE%:*}"; df "$MOUNTPOINT"; awk \'{print $DEVICE}\''), params).map((p) => p.name)).toEqual(['instance', 'mountpoint', 'device']);
    expect(paramsNeeded(step('df -h /'), params)).toEqual([]);
  });
});

describe('forms found in review', () => {
  it('a here-string does not hide the rest of the script', () => {
    expect(reads('grep -q web <<< "$OTHER"\n[ -n "$INSTANCE" ] && echo "on $INSTANCE"')).toEqual(['OTHER', 'INSTANCE']);
  });
  it('bash arithmetic and let read bare names', () => {
    expect(reads('(( INSTANCE > 0 )) && echo yes')).toContain('INSTANCE');
    expect(reads('let x=INSTANCE+1')).toContain('INSTANCE');
    expect(scanShell('let x=INSTANCE+1').assigns).toContain('x');
    expect(reads('echo $((16#ff + N))')).toEqual(['N']);
  });
  it('assignments after while, then, do, else, { and ! are the script\'s own', () => {
    const known = (script: string) => unknownVariables(script, [], []);
    expect(known('df -h | while read -r fs size; do echo "$fs $size"; done')).toEqual([]);
    expect(known('if true; then n=1; fi; echo $n')).toEqual([]);
    expect(known('f() { local x=1; echo $x; }')).toEqual([]);
    expect(known('! y=2; echo $y')).toEqual([]);
  });
  it('$(...) inside arithmetic is code, not names', () => {
    expect(unknownVariables('echo $(( $(nproc) * 2 ))', [], [])).toEqual([]);
    expect(unknownVariables('echo $(( $(date +%s) - START ))', ['START'], [])).toEqual([]);
  });
  it('a parameter named anywhere in the script is used, even where the lexer cannot follow (eval, sh -c, ${!ref})', () => {
    const params: Parameter[] = [{ name: 'instance', pattern: '.*' }];
    const used = (command: string) => paramsNeeded({ id: 's', title: 's', kind: 'check', shell: true, command }, params).map((p) => p.name);
    expect(used('eval "echo \\$INSTANCE"')).toEqual(['instance']);
    expect(used("sh -c 'echo $INSTANCE'")).toEqual(['instance']);
    expect(used('ref=INSTANCE; echo "${!ref}"')).toEqual(['instance']);
    expect(used('echo $INSTANCES')).toEqual([]);
  });
  it('hostile scripts neither crash nor hang: deep nesting is reported, long scripts are linear', () => {
    expect(scanShell(`echo ${'$('.repeat(12_000)}`).tooDeep).toBe(true);
    // Each of these took seconds to minutes before: the test's own timeout is the bound, no speed is asserted.
    expect(scanShell(`cat <<EOF\n${'$(\n'.repeat(4000)}`).reads).toEqual([]);
    const names = Array.from({ length: 8000 }, (_, i) => `$V${i}`).join(' ');
    expect(scanShell(`echo ${names}`).reads).toHaveLength(8000);
  });
});
