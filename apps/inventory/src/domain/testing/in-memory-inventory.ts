import { StockAlreadyExistsError, StockNotFoundError, StockVersionConflictError } from '../errors';
import type { AdjustOutcome, ReleaseOutcome, ReservationRepository, ReserveOutcome, StockRepository, WriteContext } from '../ports';
import type { Reservation } from '../reservation';
import { MAX_AVAILABLE, type StockAdjustment, type StockLevel } from '../stock';

/**
 * In-memory inventory for unit tests: a {@link StockRepository} and a {@link ReservationRepository}
 * over the same maps, with the DynamoDB adapters' contract (all-or-nothing reservations, one per
 * order, conditional releases, optimistic locking, adjustments once per key) and no database. Test code only.
 */
export class InMemoryInventory {
  readonly stock = new Map<string, StockLevel>();
  readonly reservations = new Map<string, Reservation>();
  /** Adjustments by `<sku>#<idempotencyKey>`. */
  readonly adjustments = new Map<string, StockAdjustment>();
  /** Correlation id of the last write, by item (`STOCK#<sku>`, `RESERVATION#<orderId>`). */
  readonly writtenBy = new Map<string, string>();

  readonly stockRepository: StockRepository = {
    get: async (sku) => this.stock.get(sku),
    create: async (level, context) => this.create(level, context),
    setAvailable: async (command, updatedAt, context) => this.setAvailable(command, updatedAt, context),
    adjust: async (adjustment, context) => this.adjustStock(adjustment, context),
  };

  readonly reservationRepository: ReservationRepository = {
    get: async (orderId) => this.reservations.get(orderId),
    reserve: async (reservation, context) => this.reserve(reservation, context),
    release: async (reservation, releasedAt, context) => this.release(reservation, releasedAt, context),
    storeReleaseMarker: async (marker, context) => this.storeReleaseMarker(marker, context),
  };

  constructor(seed: readonly StockLevel[] = []) {
    for (const level of seed) this.stock.set(level.sku, level);
  }

  private create(level: StockLevel, context: WriteContext): void {
    if (this.stock.has(level.sku)) throw new StockAlreadyExistsError(level.sku);
    this.stock.set(level.sku, level);
    this.writtenBy.set(`STOCK#${level.sku}`, context.correlationId);
  }

  private setAvailable(
    command: { sku: string; available: number; expectedVersion: number },
    updatedAt: string,
    context: WriteContext,
  ): StockLevel {
    const stored = this.stock.get(command.sku);
    if (!stored) throw new StockNotFoundError(command.sku);
    if (stored.version !== command.expectedVersion) throw new StockVersionConflictError(command.sku, command.expectedVersion);
    const level: StockLevel = { ...stored, available: command.available, version: stored.version + 1, updatedAt };
    this.stock.set(command.sku, level);
    this.writtenBy.set(`STOCK#${command.sku}`, context.correlationId);
    return level;
  }

  private adjustStock(adjustment: StockAdjustment, context: WriteContext): AdjustOutcome {
    const key = `${adjustment.sku}#${adjustment.idempotencyKey}`;
    const recorded = this.adjustments.get(key);
    if (recorded) return { outcome: 'duplicate', adjustment: recorded };
    const level = this.stock.get(adjustment.sku);
    if (!level) return { outcome: 'no-stock' };
    const available = level.available + adjustment.delta;
    if (available < 0 || available > MAX_AVAILABLE) return { outcome: 'out-of-range', level };
    this.stock.set(adjustment.sku, { ...level, available, version: level.version + 1, updatedAt: adjustment.adjustedAt });
    this.adjustments.set(key, adjustment);
    this.writtenBy.set(`STOCK#${adjustment.sku}`, context.correlationId);
    return { outcome: 'applied' };
  }

  private reserve(reservation: Reservation, context: WriteContext): ReserveOutcome {
    const existing = this.reservations.get(reservation.orderId);
    if (existing) return { outcome: 'duplicate', reservation: existing };
    const short = reservation.lines.filter((line) => (this.stock.get(line.sku)?.available ?? 0) < line.quantity).map((line) => line.sku);
    if (short.length > 0) return { outcome: 'short', skus: short };
    for (const line of reservation.lines) this.adjust(line.sku, -line.quantity, reservation.createdAt, context);
    this.reservations.set(reservation.orderId, reservation);
    this.writtenBy.set(`RESERVATION#${reservation.orderId}`, context.correlationId);
    return { outcome: 'reserved', reservation };
  }

  private release(reservation: Reservation, releasedAt: string, context: WriteContext): ReleaseOutcome {
    const stored = this.reservations.get(reservation.orderId);
    if (stored?.status !== 'RESERVED') return 'not-reserved';
    for (const line of stored.lines) this.adjust(line.sku, line.quantity, releasedAt, context);
    this.reservations.set(reservation.orderId, { ...stored, status: 'RELEASED', releasedAt });
    this.writtenBy.set(`RESERVATION#${reservation.orderId}`, context.correlationId);
    return 'released';
  }

  private storeReleaseMarker(marker: Reservation, context: WriteContext): boolean {
    if (this.reservations.has(marker.orderId)) return false;
    this.reservations.set(marker.orderId, marker);
    this.writtenBy.set(`RESERVATION#${marker.orderId}`, context.correlationId);
    return true;
  }

  private adjust(sku: string, delta: number, at: string, context: WriteContext): void {
    const level = this.stock.get(sku);
    if (!level) throw new Error(`No stock for ${sku} in the fake.`);
    this.stock.set(sku, {
      ...level,
      available: level.available + delta,
      reserved: level.reserved - delta,
      version: level.version + 1,
      updatedAt: at,
    });
    this.writtenBy.set(`STOCK#${sku}`, context.correlationId);
  }
}

/** A fixed clock for tests. */
export const fixedClock = (iso: string) => ({ now: () => new Date(iso) });
