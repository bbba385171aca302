// Child processes of a pid and their executables, from /proc (Linux).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function childProcesses(parent) {
  const children = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push({ pid: Number(name), exe: readlinkSync(`/proc/${name}/exe`) });
    } catch {
      // gone meanwhile
    }
  }
  return children;
}
