import { App, type AppProps } from 'aws-cdk-lib';
import featureFlags from './feature-flags.json';
import { applyNagChecks } from './nag';
import { stageFromContext, type StageConfig } from './stage-config';

/**
 * The CDK feature flags every app of the shop runs with: the values aws-cdk-lib recommended when
 * the workspace was created (`CURRENTLY_RECOMMENDED_FLAGS` of 2.276), pinned in
 * `feature-flags.json` so that an upgrade of aws-cdk-lib never changes a template silently.
 * Review and extend the file when upgrading (`npx cdk flags --unstable=flags`).
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = featureFlags;

/** A CDK app of the shop and the stage it is synthesized for. */
export interface ShopApp {
  /** The app. */
  readonly app: App;
  /** The stage named by the `stage` context (default `dev`). */
  readonly stage: StageConfig;
}

/**
 * Creates a service's CDK app: the pinned feature flags (context from the CLI still wins), the
 * stage from the `stage` context, and cdk-nag's AwsSolutions checks, which fail synthesis on any
 * unacknowledged finding.
 */
export const createShopApp = (props: AppProps = {}): ShopApp => {
  const app = new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
  applyNagChecks(app);
  return { app, stage: stageFromContext(app) };
};
