/**
 * CDK app of the basket service. Stage from the context: `cdk synth -c stage=prod` (default dev).
 * Run through Nx: `npx nx run basket:synth[:prod|:local]`, then `npx nx run basket:deploy`.
 */
import { Tags } from 'aws-cdk-lib';
import { createShopApp } from '@shop/cdk';
import { BasketStack, SERVICE, basketStackName } from './basket-stack';

const { app, stage } = createShopApp();
Tags.of(app).add('shop:stage', stage.stage);
Tags.of(app).add('shop:service', SERVICE);

const stackName = basketStackName(stage);
new BasketStack(app, stackName, { stackName, stage });

app.synth();
