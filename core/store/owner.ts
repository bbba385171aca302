import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Which process is writing a run. A run left 'running' is only ever marked interrupted when its
 * writer is known to be gone, so a live trainer in another process is never mis-marked:
 *
 * - same host: the pid is checked with signal 0. On Linux the pid's start time (field 22 of
 *   /proc/<pid>/stat, with the boot id) is compared as well, so a pid reused by an unrelated
 *   process after a crash or a reboot does not keep a dead run 'running'.
 * - another host (a workspace on a shared folder): the pid means nothing here, so the run's
 *   heartbeat (written with every batch the recorder commits) decides: none for
 *   REMOTE_STALE_AFTER_MS means the writer is gone.
 */
export interface RunOwner {
  host: string;
  pid: number;
  /** "<boot id>:<start ticks>" on Linux, null where the platform gives no start time. */
  token: string | null;
}

export const REMOTE_STALE_AFTER_MS = 10 * 60_000;

function linuxProcessToken(pid: number): string | null {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may itself hold spaces or parentheses
    const fieldsAfterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fieldsAfterName[19]; // field 22 overall
    return startTicks ? `${bootId}:${startTicks}` : null;
  } catch {
    return null;
  }
}

let self: RunOwner | undefined;
export function currentOwner(): RunOwner {
  self ??= { host: hostname(), pid: process.pid, token: linuxProcessToken(process.pid) };
  return self;
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // alive, owned by another user
  }
}

/** Whether the writer recorded for a 'running' run may still be writing it. */
export function ownerMayBeAlive(owner: Partial<RunOwner> & { heartbeatAt: number | null }, now = Date.now()): boolean {
  const me = currentOwner();
  if (owner.host !== me.host || owner.pid == null) return owner.heartbeatAt != null && now - owner.heartbeatAt < REMOTE_STALE_AFTER_MS;
  if (owner.pid === me.pid) return owner.token == null || me.token == null || owner.token === me.token;
  if (!pidIsAlive(owner.pid)) return false;
  if (owner.token != null) {
    const token = linuxProcessToken(owner.pid);
    if (token != null && token !== owner.token) return false; // the pid now belongs to another process
  }
  return true;
}
