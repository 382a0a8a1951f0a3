// Imported first by handler specs: the handler modules read their configuration at import (cold start).
process.env.TABLE_NAME ??= 'basket-unit-test';
process.env.ORDER_INTAKE_QUEUE_URL ??= 'https://sqs.eu-west-1.amazonaws.com/123456789012/order-intake-unit-test';
process.env.POWERTOOLS_SERVICE_NAME ??= 'basket';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'ServerlessShop';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'eu-west-1';
