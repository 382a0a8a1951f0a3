import { runServiceApp } from '@shop/cdk';
import { OrderStack } from './order-stack';

runServiceApp(OrderStack);
