import type { ResourceBase } from '../resources/kind';

/** A route's integration: a Lambda proxy, or something the local cloud names and refuses. */
export type HttpIntegrationDef =
  | { type: 'AWS_PROXY'; functionName: string; payloadFormatVersion: '1.0' | '2.0'; timeoutMs: number }
  | { type: 'UNSUPPORTED'; description: string };

/** A JWT authorizer (issuer + audience) or a Lambda REQUEST authorizer. */
export type HttpAuthorizerDef =
  | { type: 'JWT'; id: string; name: string; identitySource: string[]; issuer: string; audience: string[] }
  | {
      type: 'REQUEST';
      id: string;
      name: string;
      identitySource: string[];
      functionName: string;
      payloadFormatVersion: '1.0' | '2.0';
      simpleResponses: boolean;
      ttlSeconds: number;
    }
  | { type: 'UNSUPPORTED'; id: string; name: string; description: string };

export interface HttpRouteDef {
  /** `GET /items/{id}`, `ANY /{proxy+}` or `$default`. */
  routeKey: string;
  /** `NONE`, `JWT`, `CUSTOM` (a Lambda authorizer) or `AWS_IAM`. */
  authorizationType: string;
  authorizer?: HttpAuthorizerDef;
  /** The route's `AuthorizationScopes` (JWT: the token must carry one of them). */
  scopes: string[];
  /** Undefined: a route without a target (API Gateway answers 404 for it). */
  integration?: HttpIntegrationDef;
}

export interface HttpStageDef {
  name: string;
  autoDeploy: boolean;
  variables: Record<string, string> | null;
}

/** `CorsConfiguration` of an HTTP API. */
export interface HttpCorsDef {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
  allowCredentials: boolean;
}

/** `AWS::ApiGatewayV2::Api` (ProtocolType HTTP) with its routes, integrations, authorizers and stages. */
export interface HttpApiDef extends ResourceBase {
  id: string;
  name: string;
  routes: HttpRouteDef[];
  stages: HttpStageDef[];
  cors?: HttpCorsDef;
}
