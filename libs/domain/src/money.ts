import * as z from 'zod/mini';
import './zod-locale';
import { CurrencyMismatchError } from './errors';

/** ISO 4217 codes the shop accepts. Extend deliberately: every consumer must handle them. */
export const CURRENCIES = ['EUR', 'USD', 'GBP'] as const;

/** An accepted ISO 4217 currency code. */
export const CurrencySchema = z.enum(CURRENCIES, { error: `Currency must be one of ${CURRENCIES.join(', ')}.` });

/** An accepted ISO 4217 currency code. */
export type Currency = z.infer<typeof CurrencySchema>;

/**
 * An amount of money in integer minor units (cents) plus its currency: never a float, never negative.
 */
export const MoneySchema = z.strictObject({
  amount: z
    .int({ error: 'Amount must be an integer number of minor units (e.g. cents).' })
    .check(z.nonnegative({ error: 'Amount must not be negative.' }), z.maximum(Number.MAX_SAFE_INTEGER)),
  currency: CurrencySchema,
});

/** An amount of money in integer minor units plus its currency. */
export type Money = z.infer<typeof MoneySchema>;

/** Builds a {@link Money}, validating it. */
export const money = (amount: number, currency: Currency): Money => MoneySchema.parse({ amount, currency });

/** Adds two amounts of the same currency; throws {@link CurrencyMismatchError} otherwise. */
export const addMoney = (left: Money, right: Money): Money => {
  if (left.currency !== right.currency) throw new CurrencyMismatchError(left.currency, right.currency);
  return { amount: left.amount + right.amount, currency: left.currency };
};

/** Multiplies an amount by a non-negative integer quantity (e.g. a basket line). */
export const multiplyMoney = (value: Money, quantity: number): Money => {
  if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError('Quantity must be a non-negative integer.');
  return { amount: value.amount * quantity, currency: value.currency };
};
