import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateFixtureMissingError, templateFixture, UPDATE_TEMPLATE_FIXTURES_ENV } from './template-fixtures';

describe('templateFixture', () => {
  let dir: string;
  const saved = process.env[UPDATE_TEMPLATE_FIXTURES_ENV];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'template-fixtures-'));
    delete process.env[UPDATE_TEMPLATE_FIXTURES_ENV];
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env[UPDATE_TEMPLATE_FIXTURES_ENV];
    else process.env[UPDATE_TEMPLATE_FIXTURES_ENV] = saved;
  });

  it('returns the checked-in template, not the one it is given', () => {
    const file = join(dir, 'stack.template.json');
    writeFileSync(file, '{"Resources":{"A":{"Type":"AWS::SNS::Topic"}}}');
    expect(templateFixture(file, { Resources: {} })).toEqual({ Resources: { A: { Type: 'AWS::SNS::Topic' } } });
  });

  it('fails on a missing fixture instead of passing', () => {
    expect(() => templateFixture(join(dir, 'missing.template.json'), {})).toThrow(TemplateFixtureMissingError);
  });

  it(`writes the given template when ${UPDATE_TEMPLATE_FIXTURES_ENV}=1, in folders it creates, as the cdk CLI indents it`, () => {
    process.env[UPDATE_TEMPLATE_FIXTURES_ENV] = '1';
    const file = join(dir, 'templates', 'stack.template.json');
    expect(templateFixture(file, { Resources: { A: { Type: 'AWS::SNS::Topic' } } })).toEqual({
      Resources: { A: { Type: 'AWS::SNS::Topic' } },
    });
    expect(readFileSync(file, 'utf8')).toBe('{\n "Resources": {\n  "A": {\n   "Type": "AWS::SNS::Topic"\n  }\n }\n}\n');
  });
});
