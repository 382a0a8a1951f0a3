import * as z from 'zod/mini';

/** One bad field of a validation problem (`@shop/domain`'s FieldIssue). */
const FieldIssueSchema = z.object({ field: z.string(), message: z.string() });

/**
 * An RFC 9457 problem details body as the shop's routes answer it (`application/problem+json`),
 * with the shop's `errors` and `correlationId` extensions. A specific problem may add members of
 * its own (e.g. `orderId` of `urn:shop:problem:order-pending`), hence the open object.
 */
export const ProblemDetailsSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int().check(z.minimum(400), z.maximum(599)),
  detail: z.optional(z.string()),
  instance: z.optional(z.string()),
  errors: z.optional(z.array(FieldIssueSchema)),
  correlationId: z.optional(z.string()),
});

/** What API Gateway itself answers when it refuses a request before any function (a 401 of its authorizer, a 5xx of its own). */
export const GatewayErrorSchema = z.strictObject({ message: z.string() });
