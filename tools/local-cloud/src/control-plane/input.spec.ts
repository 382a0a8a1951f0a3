import { z } from 'zod';
import { ControlPlaneInputError, jsonBody, pathRest } from './input';

const schema = z.strictObject({ service: z.string(), dir: z.string().optional() });
const body = (text: string) => ({ body: Buffer.from(text) });

describe('control-plane input', () => {
  it('parses a JSON body that fits the schema; an empty body is {}', () => {
    expect(jsonBody(body('{"service":"product"}'), schema)).toEqual({ service: 'product' });
    expect(jsonBody(body(''), z.strictObject({ a: z.string().optional() }))).toEqual({});
  });

  it.each([
    ['bad JSON', '{"service":', 'the body is not JSON'],
    ['a wrong type', '{"service":42}', 'expected string, received number'],
    ['an unknown field', '{"service":"a","extra":1}', 'Unrecognized key: "extra"'],
    ['an array', '[]', 'expected object'],
    ['a missing field', '{}', 'expected string, received undefined'],
  ])('refuses %s with a ControlPlaneInputError naming it', (_case, text, reason) => {
    expect(() => jsonBody(body(text), schema)).toThrow(ControlPlaneInputError);
    expect(() => jsonBody(body(text), schema)).toThrow(reason);
  });

  it('decodes the rest of a path, and refuses bad percent-encoding', () => {
    expect(pathRest('/_local/executions/arn%3Aaws%3Astates', '/_local/executions')).toBe('arn:aws:states');
    expect(pathRest('/_local/executions', '/_local/executions')).toBe('');
    expect(() => pathRest('/_local/executions/%E0%A4%A', '/_local/executions')).toThrow(ControlPlaneInputError);
  });
});
