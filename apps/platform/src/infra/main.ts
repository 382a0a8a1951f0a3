import { runServiceApp } from '@shop/cdk';
import { PlatformStack } from './platform-stack';

runServiceApp(PlatformStack);
