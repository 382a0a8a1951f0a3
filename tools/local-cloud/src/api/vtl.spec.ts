import { jsonPathValue, renderTemplate, TemplateError, util, type TemplateInput } from './vtl';

const input = (body: string, overrides: Partial<TemplateInput> = {}): TemplateInput => ({
  body,
  params: { path: {}, querystring: {}, header: {} },
  context: {},
  stageVariables: null,
  ...overrides,
});

describe('mapping templates (velocityjs with API Gateway variables)', () => {
  it("runs the AWS documentation's PetStore response template", () => {
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings.html (PetStore example)
    const template = `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description" : "Item $elem.id is a $elem.type.",
    "askingPrice" : $elem.price
  }#if($foreach.hasNext),#end

#end
]`;
    const body = JSON.stringify([
      { id: 1, type: 'dog', price: 249.99 },
      { id: 2, type: 'cat', price: 124.99 },
      { id: 3, type: 'fish', price: 0.99 },
    ]);
    expect(JSON.parse(renderTemplate(template, input(body)))).toEqual([
      { description: 'Item 1 is a dog.', askingPrice: 249.99 },
      { description: 'Item 2 is a cat.', askingPrice: 124.99 },
      { description: 'Item 3 is a fish.', askingPrice: 0.99 },
    ]);
  });

  it("runs the $input documentation's examples: keySet over a map, json() and path() with JSONPath, params()", () => {
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html ($input variables)
    const template = `#set($inputRoot = $input.path('$'))
{
  "things": {
#foreach($key in $inputRoot.things.keySet())
    "thing$foreach.count": "$key"#if($foreach.hasNext),#end
#end
  },
  "first": $input.json('$.things.1'),
  "size": $input.path('$.things').size(),
  "name": "$input.params('name')",
  "all": {"q": "$input.params().querystring.q", "h": "$input.params().header.Host", "p": "$input.params().path.id"}
}`;
    const rendered = renderTemplate(
      template,
      input(JSON.stringify({ things: { '1': { a: 1 }, '2': {}, '3': {} } }), {
        params: { path: { id: '7' }, querystring: { q: 'x', name: 'from-query' }, header: { Host: 'example.com', name: 'from-header' } },
      }),
    );
    expect(JSON.parse(rendered)).toEqual({
      things: { thing1: '1', thing2: '2', thing3: '3' },
      first: { a: 1 },
      size: 3,
      name: 'from-query',
      all: { q: 'x', h: 'example.com', p: '7' },
    });
  });

  it('finds a parameter in path, then query string, then headers (any case)', () => {
    const params = { path: { id: 'p' }, querystring: { id: 'q', only: 'q2' }, header: { 'X-Only': 'h' } };
    expect(
      renderTemplate(`$input.params('id') $input.params('only') $input.params('x-only') [$input.params('none')]`, input('', { params })),
    ).toBe('p q2 h []');
  });

  it('gives $context, $stageVariables and $util', () => {
    const rendered = renderTemplate(
      `$context.requestId $context.identity.sourceIp $context.authorizer.principalId $stageVariables.env $util.base64Encode('hi') $util.base64Decode('aGk=') $util.urlEncode('a b&c') $util.urlDecode('a+b%26c')`,
      input('', {
        context: { requestId: 'r-1', identity: { sourceIp: '10.0.0.1' }, authorizer: { principalId: 'alice' } },
        stageVariables: { env: 'dev' },
      }),
    );
    expect(rendered).toBe('r-1 10.0.0.1 alice dev aGk= hi a+b%26c a b&c');
  });

  it('escapes JavaScript as API Gateway does (quotes, backslashes, newlines, single quotes)', () => {
    expect(util.escapeJavaScript('say "hi"\n\\ it\'s')).toBe('say \\"hi\\"\\n\\\\ it\\\'s');
    const rendered = renderTemplate(
      `{"text": "$util.escapeJavaScript($input.path('$.text'))"}`,
      input(JSON.stringify({ text: 'a "b"\nc' })),
    );
    expect(JSON.parse(rendered)).toEqual({ text: 'a "b"\nc' });
  });

  it('parses JSON held in a string with $util.parseJson', () => {
    // The documentation's example: a JSON string in a field, turned into an object.
    const rendered = renderTemplate(
      `#set($a = $util.parseJson($input.path('$.escaped')))$a.Hello $input.path('$.escaped').length()`,
      input(JSON.stringify({ escaped: '{"Hello":"World"}' })),
    );
    expect(rendered).toBe('World 17');
  });

  it('renders a missing value as nothing with $!, and a quiet reference as written', () => {
    expect(renderTemplate(`[$!input.path('$.missing')] [$input.json('$.missing')]`, input('{}'))).toBe('[] []');
  });

  it('reads JSONPath queries as lists and definite paths as one value; a body that is not JSON as {}', () => {
    const body = JSON.stringify({ items: [{ id: 1 }, { id: 2 }] });
    expect(jsonPathValue(body, '$.items[0].id')).toBe(1);
    expect(jsonPathValue(body, '$.items[*].id')).toEqual([1, 2]);
    expect(jsonPathValue('not json', '$')).toEqual({});
  });

  it('names a template that does not parse', () => {
    expect(() => renderTemplate('#if(', input(''))).toThrow(TemplateError);
  });
});
