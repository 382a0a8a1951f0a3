import * as z from 'zod';

/** A JSON Schema (draft 7) as zod's `z.toJSONSchema` writes it; only the keywords the tools read are named. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly [keyword: string]: unknown;
}

/** Parses a JSON Schema read back from a file (a snapshot): an object, recursively. */
export const JsonSchemaSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    properties: z.record(z.string(), JsonSchemaSchema).optional(),
    required: z.array(z.string()).optional(),
    items: JsonSchemaSchema.optional(),
    anyOf: z.array(JsonSchemaSchema).optional(),
    oneOf: z.array(JsonSchemaSchema).optional(),
    enum: z.array(z.unknown()).optional(),
  }),
);

/**
 * The JSON Schema (draft 7, the dialect AsyncAPI 3's default schema format reads) of a message
 * schema, as a consumer parses it (`io: 'input'`: a field with a default is optional), without the
 * `$schema` keyword.
 */
export const toJsonSchema = (schema: z.core.$ZodType): JsonSchema => {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'throw' });
  return JsonSchemaSchema.parse(Object.fromEntries(Object.entries(json).filter(([keyword]) => keyword !== '$schema')));
};
