import type { Logger } from '../log';

/** One kept log line: a function's own output or one of the local cloud's lines (`λ`, `http`, `sqs`, ...). */
export interface LogEntry {
  /** Increases by one per line kept (a reader asks for the lines after the last it saw). */
  seq: number;
  /** Epoch milliseconds when the line was kept. */
  time: number;
  /** The function's label (`order:PlaceOrderFunction`) or the local cloud's tag (`λ`, `http`, `sqs`). */
  source: string;
  text: string;
  correlationId?: string;
}

export interface LogStoreOptions {
  /** Lines kept in all (oldest dropped first). @default 20000 */
  maxLines?: number;
}

/** The `cid=<id>` a local cloud line carries (`-` means none). */
const CID = /\bcid=([^\s]+)/;
/** Powertools' `correlation_id` key and its JSON string value (escapes kept). */
const POWERTOOLS_ID = /"correlation_id":"((?:[^"\\]|\\.)*)"/;

/**
 * The correlation id of a line: Powertools' `correlation_id` key of a JSON line (what
 * `@shop/observability` sets from the `x-correlation-id` header or the envelope's
 * `correlationId`), else the `cid=` of a local cloud line.
 */
export function correlationIdOfLine(text: string): string | undefined {
  // Powertools writes JSON.stringify's output: the key and its string value with no space between.
  const json = text.startsWith('{') ? POWERTOOLS_ID.exec(text) : null;
  if (json) {
    try {
      return (JSON.parse(`"${json[1]}"`) as string) || undefined;
    } catch {
      // A broken escape: fall through to cid=.
    }
  }
  const match = CID.exec(text);
  return match && match[1] !== '-' ? match[1] : undefined;
}

/**
 * A bounded in-memory ring of log lines, indexed by correlation id: what the console's log page
 * reads to follow one order across hops (`GET /_local/logs?correlationId=`). When full, the oldest
 * line goes, from the ring and from its id's list.
 */
export class LogStore {
  private readonly ring: (LogEntry | undefined)[];
  private readonly byId = new Map<string, LogEntry[]>();
  private next = 0;
  private seq = 0;

  constructor(options: LogStoreOptions = {}) {
    this.ring = new Array<LogEntry | undefined>(Math.max(1, options.maxLines ?? 20_000));
  }

  /** Keeps a line (its correlation id read from it, see correlationIdOfLine). */
  add(source: string, text: string): LogEntry {
    const entry: LogEntry = { seq: ++this.seq, time: Date.now(), source, text, correlationId: correlationIdOfLine(text) };
    const evicted = this.ring[this.next];
    if (evicted?.correlationId) {
      const list = this.byId.get(evicted.correlationId);
      // The evicted line is the oldest kept, so it is the first of its id's list.
      list?.shift();
      if (list && list.length === 0) this.byId.delete(evicted.correlationId);
    }
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.ring.length;
    if (entry.correlationId) {
      const list = this.byId.get(entry.correlationId);
      if (list) list.push(entry);
      else this.byId.set(entry.correlationId, [entry]);
    }
    return entry;
  }

  /** The kept lines of one correlation id, oldest first. */
  byCorrelationId(correlationId: string): LogEntry[] {
    return [...(this.byId.get(correlationId) ?? [])];
  }

  /** The last `limit` lines kept, oldest first. */
  recent(limit: number): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = 1; i <= this.ring.length && out.length < limit; i++) {
      const entry = this.ring[(this.next - i + this.ring.length) % this.ring.length];
      if (!entry) break;
      out.push(entry);
    }
    return out.reverse();
  }

  /** Lines and ids kept now. */
  stats(): { kept: number; correlationIds: number; maxLines: number } {
    return { kept: Math.min(this.seq, this.ring.length), correlationIds: this.byId.size, maxLines: this.ring.length };
  }
}

/** A logger that also keeps its tagged lines (`λ`, `http`, `sqs`, ...) that carry a `cid=` in the store. */
export function keepingLines(logger: Logger, store: LogStore): Logger {
  return {
    ...logger,
    line: (tag, message) => {
      // A function's own output (tag `  <label>`) is kept by the function pool's log sink.
      if (!tag.startsWith(' ') && message.includes('cid=')) store.add(tag, message);
      logger.line(tag, message);
    },
  };
}
