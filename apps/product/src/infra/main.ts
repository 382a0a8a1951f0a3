/**
 * CDK app of the product service. Stage from the context: `cdk synth -c stage=prod` (default dev).
 * Run through Nx: `npx nx run product:synth[:prod|:local]`, then `npx nx run product:deploy`.
 */
import { Tags } from 'aws-cdk-lib';
import { createShopApp } from '@shop/cdk';
import { ProductStack, SERVICE, productStackName } from './product-stack';

const { app, stage } = createShopApp();
Tags.of(app).add('shop:stage', stage.stage);
Tags.of(app).add('shop:service', SERVICE);

const stackName = productStackName(stage);
new ProductStack(app, stackName, { stackName, stage });

app.synth();
