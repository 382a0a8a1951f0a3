import { runServiceApp } from '@shop/cdk';
import { ShippingStack } from './shipping-stack';

runServiceApp(ShippingStack);
