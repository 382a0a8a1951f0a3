import { notEmulatedSummary } from './not-emulated';

describe('notEmulatedSummary', () => {
  it('counts by type, most first, on one line that points at the full list', () => {
    const resources = [
      ...Array.from({ length: 3 }, () => ({ type: 'AWS::IAM::Role' })),
      { type: 'AWS::Logs::LogGroup' },
      ...Array.from({ length: 2 }, () => ({ type: 'AWS::Lambda::Permission' })),
      { type: 'AWS::CloudWatch::Alarm' },
    ];
    expect(notEmulatedSummary(resources)).toBe(
      'not emulated: 7 resources of 4 types (AWS::IAM::Role 3, AWS::Lambda::Permission 2, AWS::CloudWatch::Alarm 1, AWS::Logs::LogGroup 1); the list: GET /_local/resources',
    );
  });

  it('says nothing when everything is emulated, and counts one resource as one', () => {
    expect(notEmulatedSummary([])).toBeUndefined();
    expect(notEmulatedSummary([{ type: 'AWS::IAM::Role' }])).toBe(
      'not emulated: 1 resource of 1 type (AWS::IAM::Role 1); the list: GET /_local/resources',
    );
  });
});
