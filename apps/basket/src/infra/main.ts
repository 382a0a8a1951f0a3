import { runServiceApp } from '@shop/cdk';
import { BasketStack } from './basket-stack';

runServiceApp(BasketStack);
