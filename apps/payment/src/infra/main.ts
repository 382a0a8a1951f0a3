import { runServiceApp } from '@shop/cdk';
import { PaymentStack } from './payment-stack';

runServiceApp(PaymentStack);
