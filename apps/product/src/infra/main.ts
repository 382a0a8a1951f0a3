import { runServiceApp } from '@shop/cdk';
import { ProductStack } from './product-stack';

runServiceApp(ProductStack);
