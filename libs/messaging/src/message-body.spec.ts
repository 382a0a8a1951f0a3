import { snsNotification } from '@shop/testing';
import { MalformedMessageError } from './errors';
import { isSnsNotification, unwrapMessageBody } from './message-body';

const envelope = { id: 'e-1', type: 'Ping', data: { n: 1 } };

describe('unwrapMessageBody', () => {
  it('returns a directly sent (or raw delivered) message as is', () => {
    expect(unwrapMessageBody(JSON.stringify(envelope))).toEqual(envelope);
  });

  it('unwraps an SNS notification', () => {
    expect(unwrapMessageBody(JSON.stringify(snsNotification(envelope)))).toEqual(envelope);
  });

  it('throws MalformedMessageError for a body or an inner message that is not JSON', () => {
    expect(() => unwrapMessageBody('not json', 'm-1')).toThrow(MalformedMessageError);
    expect(() => unwrapMessageBody(JSON.stringify(snsNotification('not json')), 'm-2')).toThrow('Message m-2 is not valid JSON.');
  });
});

describe('isSnsNotification', () => {
  it('tells an SNS wrapper from an envelope', () => {
    expect(isSnsNotification(snsNotification(envelope))).toBe(true);
    expect(isSnsNotification(envelope)).toBe(false);
    expect(isSnsNotification({ Type: 'Notification', Message: {} })).toBe(false);
  });
});
