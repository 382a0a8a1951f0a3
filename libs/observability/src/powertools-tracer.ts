/**
 * The Powertools tracer, for {@link createTracer}'s lazy `require` only (never import it elsewhere).
 * A `require` of `@aws-lambda-powertools/tracer` itself would bundle the package's CommonJS build
 * and, with it, a second copy of `@aws-lambda-powertools/commons` next to the ES module one the
 * logger and metrics use (~10 KB). Required through this ES module, the tracer is imported as an
 * ES module too (one commons), and esbuild still evaluates it, and `aws-xray-sdk-core`, only
 * when this module is required.
 */
export { Tracer } from '@aws-lambda-powertools/tracer';
