/**
 * Version of the numerical engine. Every stored result records it, so a result can be
 * reproduced by the engine that made it. Bump it whenever a change can alter any number.
 */
export const ENGINE_VERSION = 'wuyu-scoring-core/0.1.0';
