export * from './auth.decorators';
export * from './auth.errors';
export * from './permissions';
export { AccessTokenService, extractAccessToken } from './access-token.service';
export { requestOf, responseOf, type AuthedRequest } from './request-context';
