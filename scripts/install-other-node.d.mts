export const OTHER_NODE_VERSION: string;
export function otherNodePath(): string;
export function installOtherNode(): string;
