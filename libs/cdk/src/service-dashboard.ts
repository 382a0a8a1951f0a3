import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct, IConstruct } from 'constructs';
import { ShopCdkError } from './errors';

/** The construct's path below its stack, e.g. `OrderEvents/Queue`: how dashboards and alarms name it. */
export const pathInStack = (construct: IConstruct): string => construct.node.path.slice(Stack.of(construct).node.path.length + 1);

/** Width and height of one graph or alarm widget in a {@link DashboardSection} (four to a line). */
const WIDGET_SIZE = { width: 6, height: 6 } as const;

/**
 * One row of a {@link ServiceDashboard}: a title line, then the graphs and alarms of one construct
 * (a function, an API, a queue), four widgets to a line. Widgets may be added until synthesis,
 * so a construct's later parts (a function's stream relay, a subscription's delivery DLQ) join
 * the row of the construct they belong to.
 */
export class DashboardSection implements cloudwatch.IWidget {
  /** A section spans the dashboard's whole width. */
  readonly width = cloudwatch.GRID_WIDTH;

  private readonly widgets: cloudwatch.IWidget[] = [];
  private x = 0;
  private y = 0;

  /** @param title the section's heading, e.g. `function basket/router`. */
  constructor(readonly title: string) {}

  /** The section's height, from the widgets it has now. */
  get height(): number {
    return this.layout().height;
  }

  /** Adds a graph of `metrics` (left axis, from 0). */
  addGraph(title: string, metrics: readonly cloudwatch.IMetric[]): this {
    this.widgets.push(new cloudwatch.GraphWidget({ title, left: [...metrics], leftYAxis: { min: 0 }, ...WIDGET_SIZE }));
    return this;
  }

  /** Adds `alarm` as a graph of its metric with its threshold and state. */
  addAlarm(title: string, alarm: cloudwatch.IAlarm): this {
    this.widgets.push(new cloudwatch.AlarmWidget({ title, alarm, leftYAxis: { min: 0 }, ...WIDGET_SIZE }));
    return this;
  }

  /** Called by the dashboard's layout. */
  position(x: number, y: number): void {
    this.x = x;
    this.y = y;
  }

  /** The widgets' JSON, laid out when the dashboard is rendered (at synthesis). */
  toJson(): unknown[] {
    const row = this.layout();
    row.position(this.x, this.y);
    return row.toJson();
  }

  private layout(): cloudwatch.Row {
    return new cloudwatch.Row(
      new cloudwatch.TextWidget({ markdown: `### ${this.title}`, width: cloudwatch.GRID_WIDTH, height: 1 }),
      ...this.widgets,
    );
  }
}

/**
 * The one CloudWatch dashboard of a service's stack, named after the stack (`shop-<stage>-<service>`).
 * It is created by the first construct that asks for it ({@link ServiceDashboard.of}); the shop's
 * constructs add a {@link DashboardSection} each with their metrics and standard alarms, so every
 * service gets the same dashboard without writing it.
 */
export class ServiceDashboard extends cloudwatch.Dashboard {
  /** The construct id of the dashboard under its stack. */
  static readonly ID = 'ServiceDashboard';

  /**
   * The dashboard of `scope`'s stack, created on first use.
   * @throws ShopCdkError when the stack has another construct with the id {@link ServiceDashboard.ID}.
   */
  static of(scope: IConstruct): ServiceDashboard {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ServiceDashboard.ID);
    if (existing instanceof ServiceDashboard) return existing;
    if (existing) throw new ShopCdkError(`${stack.node.path}/${ServiceDashboard.ID} is taken by another construct.`);
    return new ServiceDashboard(stack, ServiceDashboard.ID);
  }

  private constructor(stack: Stack, id: string) {
    super(stack as Construct, id, { dashboardName: stack.stackName, defaultInterval: Duration.hours(3) });
    const description = stack.templateOptions.description;
    this.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# ${stack.stackName}${description ? `\n${description}` : ''}`,
        width: cloudwatch.GRID_WIDTH,
        height: 2,
      }),
    );
  }

  /** Adds a section (one row) titled `title` and returns it, to fill with graphs and alarms. */
  addSection(title: string): DashboardSection {
    const section = new DashboardSection(title);
    this.addWidgets(section);
    return section;
  }
}
