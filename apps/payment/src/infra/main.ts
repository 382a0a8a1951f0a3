/**
 * CDK app of the payment service. Stage from the context: `cdk synth -c stage=prod` (default dev).
 * Run through Nx: `npx nx run payment:synth[:prod|:local]`, then `npx nx run payment:deploy`.
 */
import { Tags } from 'aws-cdk-lib';
import { createShopApp } from '@shop/cdk';
import { PaymentStack, SERVICE, paymentStackName } from './payment-stack';

const { app, stage } = createShopApp();
Tags.of(app).add('shop:stage', stage.stage);
Tags.of(app).add('shop:service', SERVICE);

const stackName = paymentStackName(stage);
new PaymentStack(app, stackName, { stackName, stage });

app.synth();
