import { describeApiDocument } from '@shop/http/api/testing';
import { BASE_PATH } from '../infra/basket-stack';
import { api } from './routes';

describeApiDocument(api, { service: 'basket', basePath: BASE_PATH });
