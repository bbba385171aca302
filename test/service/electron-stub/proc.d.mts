export function childProcesses(parent: number): { pid: number; exe: string }[];
