/**
 * Whether a shell command changes things: the importer's step kinds and the warning on a
 * model's suggested check both come from here. Pure, and conservative: a command is "check"
 * (read-only) only when every part of it is a known read; a write it does not recognise is
 * "unknown", never "check".
 */

// Patterns over the command with its quoted strings blanked out, so `grep "a > b"` or
// `awk '$5 > 80'` do not read as redirects; what hides in quotes is looked at below.
const DESTRUCTIVE: RegExp[] = [
  /(^|[\s;|&(])(sudo\s+)?rm\s/,
  /\bkubectl\b[^|;&\n]*\s(delete|edit|scale|drain|cordon|uncordon|patch|apply|replace|annotate|label|taint|set|create|expose|autoscale|rollout\s+(undo|restart|pause|resume))\b/,
  /\boc\b[^|;&\n]*\s(delete|edit|scale|patch|apply|replace|annotate|label|set|create|expose|rollout|adm\s+(drain|cordon|uncordon|taint))\b/,
  /\bsystemctl\s+(restart|stop|start|reload|disable|enable|kill|mask|daemon-reload|isolate)\b/, /\bservice\s+\S+\s+(restart|stop|start|reload)\b/,
  // Redirects into files, sysrq, links and mounts, clocks, key-value writes, remote commands.
  /(^|[^<>&0-9=])>>?\s*(?!&|\/dev\/null|\/dev\/stderr|\/dev\/stdout)\S/, /\bfind\b.*\s-(delete|exec|execdir|ok|okdir|fprint\w*)\b/, /\bip\s+(link|addr|route|rule|neigh)\s+(set|add|del|delete|flush|change|replace)\b/,
  /\b(mount|umount)\b.*(\s-o\s+\S*remount|\s\/)/, /\bdate\s+(-s|--set)\b/, /\b(hwclock|timedatectl)\s+(--set|-w|set-time|set-ntp)\b/,
  /\bredis-cli\b.*\b(SHUTDOWN|CONFIG\s+SET|DEL|SET|EXPIRE|SLAVEOF|REPLICAOF|DEBUG|FLUSHDB|FLUSHALL)\b/i, /\betcdctl\b.*\b(put|del|lease\s+revoke|alarm\s+disarm|defrag|compact|snapshot\s+restore|member\s+remove)\b/,
  /\b(oc|kubectl)\b.*\bexec\b.*\s--\s+(?!(cat|ls|df|du|ps|env|head|tail|grep|curl|etcdctl\s+(endpoint|member\s+list|get)))/,
  /\b(mv|cp|tee|ln|install|touch|mkdir|rmdir|nft|shred|unlink|rsync|scp|truncate)\b/, /\bsed\b[^|;&\n]*\s-i/, /\bperl\b[^|;&\n]*\s-i/, /\bsysctl\s+(-w|--write)\b/, /\biptables\s+(-[ADIRFXZPNE]|--(append|delete|insert|replace|flush|delete-chain|zero|policy|new-chain))\b/,
  /\bcurl\b.*(--request|-X)[=\s]*['"]?(POST|PUT|PATCH|DELETE)\b/i, /\bcurl\b.*\s(-d|--data\S*|-F|--form\S*|-T|--upload-file)[=\s]/, /\bwget\b.*--(post|method|body)/,
  /pg_drop_replication_slot|pg_terminate_backend|pg_cancel_backend|pg_ctl\s+(stop|restart|promote)|patronictl\s+(restart|failover|switchover|reinit|remove)/,
  /\b(growpart|resize2fs|xfs_growfs|mkfs(\.\w+)?|fdisk|parted|dd|wipefs|lvremove|lvextend)\b/,
  /\bapt(-get)?\s+(purge|remove|install|autoremove|upgrade|dist-upgrade)\b/, /\b(yum|dnf)\s+(remove|install|erase|update|upgrade)\b/,
  /\b(docker|podman|nerdctl)\b[^|;&\n]*\s(rm|rmi|kill|stop|restart|start|pause|system\s+prune|image\s+prune|volume\s+rm|compose\s+(down|up|restart|stop|rm|kill))\b/, /\bjournalctl\b.*--vacuum/,
  /\bhelm\s+(rollback|uninstall|upgrade|install|delete)\b/, /\bgit\s+(push|reset|clean|checkout|commit|rebase|merge)\b/, /\bcrictl\s+(rm|rmi|stop)\b/, /\b(chmod|chown|chgrp)\b/,
  /\bcrontab\s+(-r|-e|-)/, /\bopenssl\b.*\s-out\b/, /\b(terraform|tofu|pulumi)\s+(apply|destroy|import|taint|state\s+(rm|mv|push))\b/, /\b(supervisorctl|pm2)\s+(restart|stop|start|reload|kill)\b/, /\bnginx\s+-s\b/,
  /\baws\s+\S+\s+(delete|terminate|stop|start|reboot|put|create|update|modify|remove|detach|attach|run|invoke)-/, /\bgcloud\b.*\s(delete|stop|start|reset|create|update|set|add|remove)\b/, /\baz\b.*\s(delete|stop|start|restart|create|update|set)\b/,
];
/** Programs that end or restart things, where they stand as the command (not as `grep killall`'s argument). */
const DESTRUCTIVE_COMMAND = /^(sudo\s+)?(kill|pkill|killall|reboot|shutdown|halt|poweroff|init|telinit)\b/;
/** SQL that writes, looked for only in what a SQL client is given. */
const SQL_CLIENT = /\b(psql|mysql|mariadb|sqlite3|clickhouse-client|cqlsh|gitlab-psql)\b/;
const SQL_WRITE = /\b(DROP|TRUNCATE|ALTER|VACUUM\s+FULL|INSERT\s+INTO|GRANT|REVOKE|CREATE|DELETE\s+FROM|UPDATE\s+\S+\s+SET|COPY\s+\S+\s+FROM|REINDEX|CLUSTER|pg_terminate_backend|pg_cancel_backend|pg_drop_replication_slot)\b/i;
/** awk's ways to run or write: system(), a pipe, print > file. */
const AWK_WRITES = /system\s*\(|\|\s*getline|["')\s]\s*\|\s*"|print[^;}]*>/;

// Read-only by their first words. Tools that can also write (psql, redis-cli, etcdctl, mount,
// ip, date, find, env, oc/kubectl exec) are not here: their commands are "unknown" unless a
// destructive pattern above already made them actions. kubectl's global flags may come first.
const KUBE_FLAGS = '(?:\\s+--?[A-Za-z][\\w-]*(?:=\\S+|\\s+(?!(?:get|describe|logs|top|explain|auth|version|api-resources|events|adm|whoami|status|project)\\b)[^-\\s]\\S*)?)*';
const READ_ONLY = new RegExp(`^(sudo\\s+)?(kubectl${KUBE_FLAGS}\\s+(get|describe|logs|top|explain|auth\\s+can-i|version|api-resources|events)|oc${KUBE_FLAGS}\\s+(get|describe|logs|adm\\s+top|whoami|status|explain|project)|df|du|ls|cat|grep|egrep|zgrep|tail|head|less|journalctl|systemctl\\s+(status|list-units|is-active|is-failed|show|cat)|curl|wget\\s+-qO-|dig|nslookup|host|ps|pstree|top|htop|free|uptime|vmstat|iostat|mpstat|pidstat|lsof|lsblk|findmnt|ss|netstat|ping|traceroute|mtr|openssl|echo|printf|hostname|uname|whoami|id|stat|wc|sort|uniq|cut|tr|awk|sed\\s+-n|jq|yq|column|chronyc\\s+(tracking|sources|sourcestats)|ip\\s+(-\\w+\\s+)*(a|addr|route|link|neigh)\\s*(show|list)?\\s*$|nc\\s+-z|getent|crictl\\s+(ps|logs|inspect|images|stats)|docker\\s+(ps|logs|inspect|images|stats|top)|gitlab-ctl\\s+status|iptables\\s+(-L|-S|--list)|nft\\s+list|dmesg|date|printenv|which|type|test|true|cd|export|for|while|if|do|done|then|fi|sleep|\\[)\\b`);

/** The command with every quoted string blanked ('' or ""), so patterns see its structure only. */
function withoutQuotes(s: string): string {
  return s.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, (m) => m[0]!.repeat(2));
}

export function classifyCommand(script: string): 'check' | 'action' | 'unknown' {
  const body = script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).join('\n');
  const bare = withoutQuotes(body);
  if (SQL_CLIENT.test(bare) && SQL_WRITE.test(body)) return 'action';
  if (/\b[gm]?awk\b/.test(bare) && AWK_WRITES.test(body)) return 'action';
  if (DESTRUCTIVE.some((re) => re.test(bare))) return 'action';
  const firsts = bare.split(/\n|&&|\|\||;|\|/).map((p) => p.trim()).filter(Boolean);
  if (firsts.some((p) => DESTRUCTIVE_COMMAND.test(p))) return 'action';
  return firsts.length > 0 && firsts.every((p) => READ_ONLY.test(p)) ? 'check' : 'unknown';
}

/**
 * Why a suggested check may not be pasted as it is, in plain words; undefined only when it is
 * recognised as read-only. Unrecognised is not read-only: a person reads it first.
 */
export function notReadOnly(text: string): string | undefined {
  const t = text.replace(/`/g, ' ').trim();
  const bare = withoutQuotes(t);
  if (/\|\s*(sudo\s+)?(ba|z|da|k|fi)?sh\b|\|\s*(sudo|xargs)\b|\beval\b|\bsource\s|(^|[;&|]\s*)\.\s+\S|\b(python\d?|perl|ruby|node|php)\s+-[ce]\b|\b(ba|z|da)?sh\s+-c\b/.test(bare)) return 'it pipes into a shell or runs text as code';
  if (/(^|[^<>&0-9=])>>?\s*(?!&|\/dev\/null|\/dev\/stderr|\/dev\/stdout)[^\s>]/.test(bare) || /\btee\b/.test(bare)) return 'it writes to a file';
  if (/\bsudo\b|\bsu\s+-/.test(bare)) return 'it runs as root';
  const c = classifyCommand(t);
  if (c === 'action') return 'it changes things (restarts, deletes, kills or writes)';
  if (c === 'unknown') return 'it is not recognised as a read-only command: check what it does first';
  return undefined;
}
