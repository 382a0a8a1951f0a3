/**
 * CDK app of the shipping service. Stage from the context: `cdk synth -c stage=prod` (default dev).
 * Run through Nx: `npx nx run shipping:synth[:prod|:local]`, then `npx nx run shipping:deploy`.
 */
import { Tags } from 'aws-cdk-lib';
import { createShopApp } from '@shop/cdk';
import { SERVICE, ShippingStack, shippingStackName } from './shipping-stack';

const { app, stage } = createShopApp();
Tags.of(app).add('shop:stage', stage.stage);
Tags.of(app).add('shop:service', SERVICE);

const stackName = shippingStackName(stage);
new ShippingStack(app, stackName, { stackName, stage });

app.synth();
