import { describeApiDocument } from '@shop/http/api/testing';
import { BASE_PATH } from '../infra/shipping-stack';
import { api } from './routes';

describeApiDocument(api, { service: 'shipping', basePath: BASE_PATH });
