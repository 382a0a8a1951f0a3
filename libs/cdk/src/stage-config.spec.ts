import { App, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { STAGE_NAMES, UnknownStageError, stageConfig, stageFromContext } from './stage-config';

describe('stageConfig', () => {
  it('retains data in prod and destroys it in dev and local', () => {
    expect(STAGE_NAMES.map((name) => [name, stageConfig(name).removalPolicy])).toEqual([
      ['dev', RemovalPolicy.DESTROY],
      ['prod', RemovalPolicy.RETAIN],
      ['local', RemovalPolicy.DESTROY],
    ]);
  });

  it('keeps prod logs longest and notifies the ops topic only in prod', () => {
    expect(stageConfig('prod')).toMatchObject({ logRetention: RetentionDays.THREE_MONTHS, logLevel: 'INFO', alarmActions: 'ops-topic' });
    expect(stageConfig('dev')).toMatchObject({ logLevel: 'DEBUG', alarmActions: 'none' });
  });

  it('lets the simulated payment failure tokens work in dev and local only, never in prod', () => {
    expect(STAGE_NAMES.map((name) => [name, stageConfig(name).simulatedPaymentFailures])).toEqual([
      ['dev', true],
      ['prod', false],
      ['local', true],
    ]);
  });

  it('gives every stage an API domain name, and a real domain everywhere but local', () => {
    for (const name of STAGE_NAMES) {
      const config = stageConfig(name);
      expect(config.apiDomainName).toMatch(/^[a-z0-9.-]+$/);
      if (config.apiDomain) expect(config.apiDomain.domainName).toBe(config.apiDomainName);
    }
    expect(stageConfig('local').apiDomain).toBeUndefined();
  });

  it('rejects an unknown stage by name', () => {
    expect(() => stageConfig('qa')).toThrow(UnknownStageError);
    expect(() => stageConfig('qa')).toThrow('Unknown stage "qa": expected one of dev, prod, local.');
  });
});

describe('stageFromContext', () => {
  it('defaults to dev', () => {
    expect(stageFromContext(new App()).stage).toBe('dev');
  });

  it('reads the stage context', () => {
    expect(stageFromContext(new App({ context: { stage: 'prod' } })).stage).toBe('prod');
  });
});
