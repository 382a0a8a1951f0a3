/**
 * One permission a request needs: what `IamCall` asks without its principal. A request may need
 * several (a BatchWriteItem over two tables, a transaction with a Put and an Update).
 */
export interface RequestedAction {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}
