import * as z from 'zod';

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
  status: z.int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(FieldIssueSchema).optional(),
  correlationId: z.string().optional(),
});

/** What API Gateway itself answers when it refuses a request before any function (a 401 of its authorizer, a 5xx of its own). */
export const GatewayErrorSchema = z.strictObject({ message: z.string() });
