// Imported first by handler specs: the handler modules read their configuration at import (cold start).
process.env.TABLE_NAME ??= 'order-unit-test';
process.env.TOPIC_ARN ??= 'arn:aws:sns:eu-west-1:123456789012:order-unit-test';
process.env.STATE_MACHINE_ARN ??= 'arn:aws:states:eu-west-1:123456789012:stateMachine:order-saga-unit-test';
process.env.POWERTOOLS_SERVICE_NAME ??= 'order';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'ServerlessShop';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'eu-west-1';
