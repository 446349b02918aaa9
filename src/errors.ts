/**
 * Typed errors. Every error a user can cause carries where it happened (file, row, column or
 * config key) so the CLI can print one paragraph that points at the problem.
 */
export interface ErrorContext {
  file?: string;
  row?: number; // 1-based data row (header excluded)
  column?: string;
  key?: string; // config key path, e.g. "target.column"
  hint?: string;
}

export type ErrorCode =
  | 'config'
  | 'input'
  | 'schema'
  | 'model'
  | 'convergence'
  | 'drift'
  | 'io'
  | 'usage';

export class ChurnscopeError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChurnscopeError';
    this.code = code;
    this.context = context;
  }

  /** One paragraph for a person: what, then where. */
  describe(): string {
    const where: string[] = [];
    if (this.context.file !== undefined) where.push(`file ${this.context.file}`);
    if (this.context.row !== undefined) where.push(`row ${this.context.row}`);
    if (this.context.column !== undefined) where.push(`column "${this.context.column}"`);
    if (this.context.key !== undefined) where.push(`key "${this.context.key}"`);
    const at = where.length > 0 ? ` (${where.join(', ')})` : '';
    const hint = this.context.hint !== undefined ? ` ${this.context.hint}` : '';
    return `${this.code} error${at}: ${this.message}${hint}`;
  }
}

export class ConfigError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('config', message, context);
    this.name = 'ConfigError';
  }
}

export class InputError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('input', message, context, options);
    this.name = 'InputError';
  }
}

export class ModelError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('model', message, context);
    this.name = 'ModelError';
  }
}

export class ConvergenceError extends ChurnscopeError {
  readonly iterations: number;
  constructor(message: string, iterations: number, context: ErrorContext = {}) {
    super('convergence', message, context);
    this.name = 'ConvergenceError';
    this.iterations = iterations;
  }
}

/** The month's inputs have drifted from the training data past the limit: scoring would be unreliable. */
export class DriftError extends ChurnscopeError {
  readonly features: { feature: string; psi: number }[]; // past the limit, worst first
  constructor(message: string, features: { feature: string; psi: number }[], context: ErrorContext = {}) {
    super('drift', message, context);
    this.name = 'DriftError';
    this.features = features;
  }
}

export class UsageError extends ChurnscopeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('usage', message, context);
    this.name = 'UsageError';
  }
}

export function isChurnscopeError(e: unknown): e is ChurnscopeError {
  return e instanceof ChurnscopeError;
}
