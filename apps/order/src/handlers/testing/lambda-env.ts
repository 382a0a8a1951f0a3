// Imported first by handler specs: the handler modules read their configuration at import (cold start).
process.env.TABLE_NAME ??= 'order-unit-test';
process.env.TOPIC_ARN ??= 'arn:aws:sns:eu-west-1:123456789012:order-unit-test';
process.env.STATE_MACHINE_ARN ??= 'arn:aws:states:eu-west-1:123456789012:stateMachine:order-saga-unit-test';
process.env.POWERTOOLS_SERVICE_NAME ??= 'order';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'ServerlessShop';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'eu-west-1';
process.env.REFUND_PAYMENT_FUNCTION_ARN ??= 'arn:aws:lambda:eu-west-1:123456789012:function:refund-payment-unit-test';
process.env.RELEASE_STOCK_FUNCTION_ARN ??= 'arn:aws:lambda:eu-west-1:123456789012:function:release-stock-unit-test';
process.env.IN_FLIGHT_GRACE_SECONDS ??= '25';
process.env.STALE_AFTER_SECONDS ??= '2100';
