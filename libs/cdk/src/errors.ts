/** Base class of every error thrown by @shop/cdk while a CDK app is built. */
export class ShopCdkError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ShopCdkError';
  }
}
