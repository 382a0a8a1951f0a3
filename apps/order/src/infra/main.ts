/**
 * CDK app of the order service. Stage from the context: `cdk synth -c stage=prod` (default dev).
 * Run through Nx: `npx nx run order:synth[:prod|:local]`, then `npx nx run order:deploy`.
 */
import { Tags } from 'aws-cdk-lib';
import { createShopApp } from '@shop/cdk';
import { OrderStack, SERVICE, orderStackName } from './order-stack';

const { app, stage } = createShopApp();
Tags.of(app).add('shop:stage', stage.stage);
Tags.of(app).add('shop:service', SERVICE);

const stackName = orderStackName(stage);
new OrderStack(app, stackName, { stackName, stage });

app.synth();
