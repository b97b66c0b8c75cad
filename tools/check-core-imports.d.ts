export function violationsIn(source: string): string[];
export function checkTree(dir: string): string[];
