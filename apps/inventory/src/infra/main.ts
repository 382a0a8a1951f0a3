/**
 * CDK app of the inventory service. Stage from the context: `cdk synth -c stage=prod` (default dev).
 * Run through Nx: `npx nx run inventory:synth[:prod|:local]`, then `npx nx run inventory:deploy`.
 */
import { Tags } from 'aws-cdk-lib';
import { createShopApp } from '@shop/cdk';
import { InventoryStack, SERVICE, inventoryStackName } from './inventory-stack';

const { app, stage } = createShopApp();
Tags.of(app).add('shop:stage', stage.stage);
Tags.of(app).add('shop:service', SERVICE);

const stackName = inventoryStackName(stage);
new InventoryStack(app, stackName, { stackName, stage });

app.synth();
