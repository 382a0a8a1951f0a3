import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ShopCdkError } from './errors';
import { pathInStack, ServiceDashboard } from './service-dashboard';
import { dashboardWidgets } from './template-queries';
import { testStack } from './testing/test-stack';

const metric = (name: string) => new cloudwatch.Metric({ namespace: 'Test', metricName: name });
const alarm = (scope: Construct, id: string) => new cloudwatch.Alarm(scope, id, { metric: metric(id), threshold: 1, evaluationPeriods: 1 });

describe('ServiceDashboard', () => {
  it('is one dashboard per stack, named after the stack, whoever asks for it', () => {
    const stack = new Stack(new App(), 'shop-dev-gift-cards', { description: 'Gift cards (dev)' });
    const inner = new Construct(stack, 'Inner');
    expect(ServiceDashboard.of(new Construct(inner, 'Deep'))).toBe(ServiceDashboard.of(stack));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-dev-gift-cards' });
    expect(dashboardWidgets(template)).toEqual([
      {
        type: 'text',
        x: 0,
        y: 0,
        width: 24,
        height: 2,
        properties: { markdown: '# shop-dev-gift-cards\nGift cards (dev)', background: 'transparent' },
      },
    ]);
  });

  it('lays each section out under its title, four widgets to a line, with widgets added after it joined the dashboard', () => {
    const stack = testStack();
    const dashboard = ServiceDashboard.of(stack);
    const first = dashboard.addSection('first').addGraph('a', [metric('A')]);
    dashboard.addSection('second').addAlarm('b', alarm(stack, 'B'));
    for (const name of ['C', 'D', 'E', 'F']) first.addAlarm(name.toLowerCase(), alarm(stack, name));

    const layout = dashboardWidgets(Template.fromStack(stack)).map((w) => [
      w.properties.title ?? w.properties.markdown,
      w.x,
      w.y,
      w.width,
      w.height,
    ]);
    expect(layout).toEqual([
      ['# TestStack', 0, 0, 24, 2],
      ['### first', 0, 2, 24, 1],
      ['a', 0, 3, 6, 6],
      ['c', 6, 3, 6, 6],
      ['d', 12, 3, 6, 6],
      ['e', 18, 3, 6, 6],
      ['f', 0, 9, 6, 6],
      ['### second', 0, 15, 24, 1],
      ['b', 0, 16, 6, 6],
    ]);
  });

  it("shows an alarm with its threshold: the widget's annotation is the alarm", () => {
    const stack = testStack();
    ServiceDashboard.of(stack).addSection('s').addAlarm('b', alarm(stack, 'B'));
    const [, , widget] = dashboardWidgets(Template.fromStack(stack));
    expect(widget?.properties.annotations).toEqual({
      alarms: [expect.stringMatching(/^\$\{\{'Fn::GetAtt':\['B[0-9A-F]{8}','Arn'\]\}\}$/)],
    });
  });

  it('refuses to take over a construct of another kind with its id', () => {
    const stack = testStack();
    new Construct(stack, ServiceDashboard.ID);
    expect(() => ServiceDashboard.of(stack)).toThrow(ShopCdkError);
  });

  it('names constructs by their path below the stack', () => {
    const stack = testStack();
    expect(pathInStack(new Construct(new Construct(stack, 'Orders'), 'Queue'))).toBe('Orders/Queue');
  });
});
