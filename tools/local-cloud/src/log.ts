/** One line per event, readable in a terminal: time, tag, text. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A line with a fixed tag (`http`, `λ`, `sqs`, `stream`, `sfn`, `fault`, or a function name for its own output). */
  line(tag: string, message: string): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

const COLORS: Record<string, string> = {
  debug: '\x1b[90m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  http: '\x1b[36m',
  λ: '\x1b[35m',
  sqs: '\x1b[32m',
  stream: '\x1b[32m',
  sfn: '\x1b[34m',
  fault: '\x1b[91m',
};
const RESET = '\x1b[0m';

export function createLogger(options: { level?: LogLevel; write?: (text: string) => void; color?: boolean } = {}): Logger {
  const level = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const color = options.color ?? (process.stdout.isTTY && !process.env.NO_COLOR);
  const emit = (tag: string, message: string) => {
    const time = new Date().toISOString().slice(11, 23);
    const paint = color ? (COLORS[tag] ?? '') : '';
    write(`${time} ${paint}${tag.padEnd(6)}${paint ? RESET : ''} ${message}\n`);
  };
  return {
    debug: (message) => level <= ORDER.debug && emit('debug', message),
    info: (message) => level <= ORDER.info && emit('info', message),
    warn: (message) => level <= ORDER.warn && emit('warn', message),
    error: (message) => level <= ORDER.error && emit('error', message),
    line: (tag, message) => level <= ORDER.info && emit(tag, message),
  };
}

/** A logger that remembers lines (tests). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (tag: string) => (message: string) => lines.push(`${tag} ${message}`);
  return {
    lines,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    line: (tag, message) => lines.push(`${tag} ${message}`),
  };
}
