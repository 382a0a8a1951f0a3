import { describeApiDocument } from '@shop/http/api/testing';
import { BASE_PATH } from '../infra/order-stack';
import { api } from './routes';

describeApiDocument(api, { service: 'order', basePath: BASE_PATH });
