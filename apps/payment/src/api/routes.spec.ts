import { describeApiDocument } from '@shop/http/api/testing';
import { BASE_PATH } from '../infra/payment-stack';
import { api } from './routes';

describeApiDocument(api, { service: 'payment', basePath: BASE_PATH });
