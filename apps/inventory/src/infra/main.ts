import { runServiceApp } from '@shop/cdk';
import { InventoryStack } from './inventory-stack';

runServiceApp(InventoryStack);
