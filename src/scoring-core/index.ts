/**
 * The scoring core's only door. Framework-free: no @nestjs/*, typeorm, pg, fs, net, clock or
 * unseeded randomness below this folder (checked by tools/check-core-imports.js in CI).
 */
export { ScoringInputError } from './scoring-input-error';
export type { ScoringInputErrorCode } from './scoring-input-error';
export { ENGINE_VERSION } from './engine-version';
