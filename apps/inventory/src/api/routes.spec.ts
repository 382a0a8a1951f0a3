import { describeApiDocument } from '@shop/http/api/testing';
import { BASE_PATH } from '../infra/inventory-stack';
import { api } from './routes';

describeApiDocument(api, { service: 'inventory', basePath: BASE_PATH });
