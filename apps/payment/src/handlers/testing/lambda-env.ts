// Imported first by handler specs: the handler modules read their configuration at import (cold start).
process.env.TABLE_NAME ??= 'payment-unit-test';
process.env.SIMULATED_FAILURE_TOKENS ??= 'enabled';
process.env.POWERTOOLS_SERVICE_NAME ??= 'payment';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'ServerlessShop';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'eu-west-1';
