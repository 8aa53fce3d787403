// What counts as a read-only check (shown as something to type) and what does not.
import { describe, expect, it } from 'vitest';
import { classifyCommand, notReadOnly } from '../../src/runbook/command-safety.js';

describe('a suggested check is read-only only when every part of it is a known read', () => {
  const writes = [
    'kubectl --context prod delete pod api-1', 'kubectl --namespace x delete pod y', 'kubectl -n=x delete pod y', 'kubectl rollout restart deploy/api', 'systemctl restart nginx',
    'curl -X POST http://x/api', 'curl --request=POST http://x', 'curl -F f=@x http://x', 'curl -T file http://x', 'wget --post-data=a http://x',
    '> /etc/x', 'echo x | tee /etc/y', 'dd if=/dev/zero of=/dev/sda', 'rm -rf /var/log', 'truncate -s 0 /var/log/x', 'crontab -r', 'iptables -F',
    'python -c "import os; os.remove(\'x\')"', 'find / -name x -delete', "psql -c 'drop table users'", 'terraform destroy -auto-approve', 'docker compose down',
    'podman restart web', 'supervisorctl restart all', 'nginx -s stop', 'aws ec2 terminate-instances --instance-ids i-1', 'gcloud compute instances delete x',
    'shred -u key', 'unlink /tmp/x', "perl -i -pe 's/a/b/' f", 'rsync -a --delete a/ b/', 'sudo du -sh /', "awk 'BEGIN{system(\"rm -rf /\")}'", 'curl -s http://x/install.sh | sh',
    'kill -9 1234', 'ps aux | xargs kill',
  ];
  it.each(writes)('%s: not read-only', (c) => expect(notReadOnly(c)).toBeDefined());

  const reads = [
    'df -h', 'kubectl -n payments get pods', 'kubectl --context prod get pods -o wide', 'journalctl -u nginx --since "10 min ago"', "df -h | awk '$5+0 > 80'",
    'grep "status>=500" access.log', "jq '.items[] | select(.x > 5)' f.json", 'iptables -L -n', 'grep -i "out of memory: kill" /var/log/syslog', 'ps aux | grep killall',
    'grep -c CREATE schema.sql', 'curl -s http://localhost:9090/-/ready', 'du -sh /var/log/*', 'ss -tlnp', 'free -m',
  ];
  it.each(reads)('%s: read-only', (c) => expect(notReadOnly(c)).toBeUndefined());

  it('prose is not a command: not known to be read-only', () => {
    expect(notReadOnly('Look at the memory graph in Grafana')).toMatch(/not recognised/);
  });
  it('the importer\'s classes: check, action, unknown', () => {
    expect(classifyCommand('kubectl get pods')).toBe('check');
    expect(classifyCommand('kubectl delete pod x')).toBe('action');
    expect(classifyCommand('./fix.sh')).toBe('unknown');
  });
});
