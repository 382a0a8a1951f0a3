import { serviceIntegrations } from './service-integrations';

const emulators = (failed: number) => {
  const putEvents = jest.fn((entries: unknown[]) => ({
    FailedEntryCount: failed,
    Entries: entries.map(() =>
      failed ? { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' } : { EventId: 'e-1' },
    ),
  }));
  const unused = () => Promise.reject(new Error('not used'));
  return { putEvents, integration: serviceIntegrations({ messaging: unused, dynamodb: unused, putEvents }) };
};

describe('serviceIntegrations: events:putEvents', () => {
  it('puts the entries with Detail as JSON text and answers PutEvents result', async () => {
    const { putEvents, integration } = emulators(0);
    const output = await integration('events', 'putEvents', {
      Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: { orderId: 'o-1' }, EventBusName: 'orders' }],
    });
    expect(putEvents).toHaveBeenCalledWith([
      { Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: '{"orderId":"o-1"}', EventBusName: 'orders' },
    ]);
    expect(output).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  });

  it('fails (FailedEntry, the result as cause) when an entry is refused', async () => {
    const { integration } = emulators(1);
    await expect(
      integration('events', 'putEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: {}, EventBusName: 'nope' }] }),
    ).rejects.toEqual(expect.objectContaining({ name: 'FailedEntry', message: expect.stringContaining('ResourceNotFoundException') }));
  });
});
