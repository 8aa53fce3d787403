/**
 * Whether a shell command changes things: the importer's step kinds and the warning on a
 * model's suggested check both come from here. Pure, and conservative: a write it does not
 * recognise is "unknown", never "check".
 */

const DESTRUCTIVE: RegExp[] = [
  /(^|[\s;|&(])(sudo\s+)?rm\s/, /\bkubectl\s+(-n\s+\S+\s+)?(delete|edit|scale|drain|cordon|uncordon|patch|apply|replace|annotate|label|taint|set|rollout\s+(undo|restart|pause|resume))\b/,
  /\boc\s+(-n\s+\S+\s+)?(delete|edit|scale|patch|apply|replace|annotate|label|set|rollout|adm\s+(drain|cordon|uncordon|taint))\b/,
  /\bsystemctl\s+(restart|stop|start|reload|disable|enable|kill|mask)\b/, /\bservice\s+\S+\s+(restart|stop|start)\b/,
  /\b(DROP|TRUNCATE|ALTER|VACUUM\s+FULL|INSERT\s+INTO|GRANT|REVOKE|CREATE)\b/i, /\bDELETE\s+FROM\b/i, /\bUPDATE\s+\S+\s+SET\b/i,
  // Redirects into files, sysrq, links and mounts, clocks, key-value writes, remote commands.
  /(^|[^<>&0-9])>>?\s*(?!&|\/dev\/null|\/dev\/stderr|\/dev\/stdout)\S/, /\bfind\b.*\s-(delete|exec|execdir|ok)\b/, /\bip\s+(link|addr|route|rule)\s+(set|add|del|delete|flush|change|replace)\b/,
  /\b(mount|umount)\b.*(\s-o\s+\S*remount|\s\/)/, /\bdate\s+(-s|--set)\b/, /\b(hwclock|timedatectl)\s+(--set|-w|set-time|set-ntp)\b/,
  /\bredis-cli\b.*\b(SHUTDOWN|CONFIG\s+SET|DEL|SET|EXPIRE|SLAVEOF|REPLICAOF|DEBUG)\b/i, /\betcdctl\b.*\b(put|del|lease\s+revoke|alarm\s+disarm)\b/,
  /\b(oc|kubectl)\b.*\bexec\b.*\s--\s+(?!(cat|ls|df|du|ps|env|head|tail|grep|curl|etcdctl\s+(endpoint|member\s+list|get)))/, /\b(mv|cp|tee|ln|sed\s+-i|install|touch|mkdir|rmdir|iptables|nft|sysctl\s+-w|echo\s+\S+\s*>)\b/,
  /\bcurl\b.*(--request|-X)\s*(POST|PUT|PATCH|DELETE)\b/i, /\bcurl\b.*\s(-d|--data\S*)\s/,
  /pg_drop_replication_slot|pg_terminate_backend|pg_cancel_backend|pg_ctl\s+(stop|restart|promote)|patronictl\s+(restart|failover|switchover|reinit)/,
  /\b(growpart|resize2fs|xfs_growfs|mkfs(\.\w+)?|fdisk|parted|dd)\b/, /\b(kill|pkill|killall|reboot|shutdown|halt)\b/,
  /\b(FLUSHDB|FLUSHALL)\b/i, /\betcdctl\b.*\b(defrag|del|compact|snapshot\s+restore|member\s+remove)\b/,
  /\bapt(-get)?\s+(purge|remove|install|autoremove)\b/, /\b(yum|dnf)\s+(remove|install|erase)\b/,
  /\bdocker\s+(rm|rmi|kill|stop|restart|system\s+prune|image\s+prune|volume\s+rm)\b/, /\bjournalctl\b.*--vacuum/, /\btruncate\s+-s/,
  /\bhelm\s+(rollback|uninstall|upgrade|install|delete)\b/, /\bgit\s+(push|reset|clean)\b/, /\bcurl\b.*-X\s*(POST|PUT|PATCH|DELETE)\b/i, /\bcrictl\s+(rm|rmi|stop)\b/, /\bchmod|chown\b/, />\s*\/(etc|var|srv|opt)\//,
];
// Read-only by their first words. Tools that can also write (psql, redis-cli, etcdctl, mount,
// ip, date, find, env, oc/kubectl exec) are not here: their commands are "unknown" unless a
// destructive pattern above already made them actions.
const READ_ONLY = /^(sudo\s+)?(kubectl\s+(-n\s+\S+\s+)?(get|describe|logs|top|explain|auth\s+can-i|version|api-resources|events)|oc\s+(-n\s+\S+\s+)?(get|describe|logs|adm\s+top|whoami|status|explain|project)|df|du|ls|cat|grep|egrep|zgrep|tail|head|less|journalctl|systemctl\s+(status|list-units|is-active|show)|curl|wget\s+-qO-|dig|nslookup|host|ps|pstree|top|htop|free|uptime|vmstat|iostat|lsof|lsblk|findmnt|ss|netstat|ping|traceroute|openssl|echo|printf|hostname|uname|whoami|id|stat|wc|sort|awk|sed\s+-n|jq|chronyc\s+(tracking|sources|sourcestats)|ip\s+(-\w+\s+)*(a|addr|route|link)\s*(show|list)?\s*$|nc\s+-z|getent|crictl\s+(ps|logs|inspect|images)|docker\s+(ps|logs|inspect|images|stats)|gitlab-ctl\s+status|cd|export|for|while|if|watch|sleep|true|test|\[)\b/;

export function classifyCommand(script: string): 'check' | 'action' | 'unknown' {
  const body = script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).join('\n');
  if (DESTRUCTIVE.some((re) => re.test(body))) return 'action';
  const firsts = body.split(/\n|&&|\|\||;|\|/).map((p) => p.trim()).filter(Boolean);
  return firsts.every((p) => READ_ONLY.test(p)) ? 'check' : 'unknown';
}

/** What makes a suggested check unsafe to paste, in plain words; undefined when it reads only. */
export function notReadOnly(text: string): string | undefined {
  const t = text.replace(/`/g, ' ');
  if (/\|\s*(sudo\s+)?(ba|z|da|k)?sh\b|\|\s*(sudo|xargs\s+(rm|kill))\b|\beval\b|\bsource\s|(^|[;&|]\s*)\.\s+\S/.test(t)) return 'it pipes into a shell or runs text as code';
  if (/(^|[^<>&0-9])>>?\s*(?!&|\/dev\/null|\/dev\/stderr|\/dev\/stdout)[^\s>]/.test(t) || /\btee\b/.test(t)) return 'it writes to a file';
  if (/\bsudo\b|\bsu\s+-/.test(t)) return 'it runs as root';
  if (DESTRUCTIVE.some((re) => re.test(t))) return 'it changes things (restarts, deletes, kills or writes)';
  return undefined;
}
