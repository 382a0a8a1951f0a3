/**
 * CDK app of the platform: identity, API domain, operations. Deploy it before any service of the
 * same stage (they read its SSM parameters). Stage from the context: `-c stage=prod` (default dev).
 * Run through Nx: `npx nx run platform:synth[:prod|:local]`, then `npx nx run platform:deploy`.
 */
import { Tags } from 'aws-cdk-lib';
import { createShopApp } from '@shop/cdk';
import { PlatformStack, SERVICE, platformStackName } from './platform-stack';

const { app, stage } = createShopApp();
Tags.of(app).add('shop:stage', stage.stage);
Tags.of(app).add('shop:service', SERVICE);

const stackName = platformStackName(stage);
new PlatformStack(app, stackName, { stackName, stage });

app.synth();
