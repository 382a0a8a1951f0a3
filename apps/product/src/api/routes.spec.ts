import { describeApiDocument } from '@shop/http/api/testing';
import { BASE_PATH } from '../infra/product-stack';
import { api } from './routes';

describeApiDocument(api, { service: 'product', basePath: BASE_PATH });
