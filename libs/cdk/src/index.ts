/**
 * @shop/cdk: the skeleton of every service's stack ({@link ServiceStack}, and its app entry
 * {@link runServiceApp}) and the shop's shared CDK constructs, secure by default, with every
 * default documented: a service function, table, topic, REST API and dead-letter queue, each with
 * its standard alarms and a section of the stack's one dashboard; SSM service discovery; the typed
 * stage configuration; cdk-nag checks; and, for stack tests, template queries and the checked-in
 * templates. Used only by `src/infra` of apps.
 */
export * from './errors';
export * from './stage-config';
export * from './workspace';
export * from './ssm-discovery';
export * from './nag';
export * from './shop-app';
export * from './alarms';
export * from './service-dashboard';
export * from './function-role';
export * from './dead-letter-queue';
export * from './service-table';
export * from './service-topic';
export * from './service-function';
export * from './service-api';
export * from './consumer-queue';
export * from './command-queue';
export * from './event-subscription';
export * from './service-stack';
export * from './template-queries';
export * from './template-fixtures';
