/** Environment variable holding the endpoint of the fauxqs (SQS + SNS) started by the messaging globalSetup. */
export const FAUXQS_ENDPOINT_ENV = 'SHOP_TEST_FAUXQS_ENDPOINT';

/** The fauxqs endpoint of this test run; throws when the run did not start fauxqs, so no test reaches real AWS. */
export function fauxqsEndpoint(): string {
  const endpoint = process.env[FAUXQS_ENDPOINT_ENV];
  if (!endpoint)
    throw new Error(
      `${FAUXQS_ENDPOINT_ENV} is not set: run through a jest config whose globalSetup is @shop/testing's fauxqs/global-setup.`,
    );
  return endpoint;
}
