/** Test support for the construct tests of @shop/cdk (not exported from the library). */
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FEATURE_FLAGS } from '../shop-app';

/** A stack in an app with the shop's feature flags (without cdk-nag, which tests run explicitly). */
export const testStack = (): Stack => new Stack(new App({ context: { ...FEATURE_FLAGS } }), 'TestStack');

/** Inline code, so construct tests need no bundle in dist. */
export const inlineCode = (): lambda.Code => lambda.Code.fromInline('exports.handler = async () => ({});');
