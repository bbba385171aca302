export declare function findElectronBinary(repoRoot: string): { path: string } | { reason: string };
