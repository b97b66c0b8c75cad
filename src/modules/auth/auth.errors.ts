import { DomainError } from '../../common/errors/domain-error';

export const AUTH_ERRORS = {
  UNAUTHENTICATED: [401, 'sign in first: send Authorization: Bearer <accessToken>', '请先登录'],
  INVALID_TOKEN: [401, 'the access token is not valid', '访问令牌无效'],
  TOKEN_EXPIRED: [401, 'the access token has expired; refresh it', '访问令牌已过期，请刷新'],
  INVALID_CREDENTIALS: [401, 'wrong username or password', '用户名或密码错误'],
  ACCOUNT_LOCKED: [423, 'too many failed logins: the account is locked for 15 minutes', '登录失败次数过多，账号已锁定15分钟'],
  ACCOUNT_DISABLED: [401, 'the account is disabled', '账号已停用'],
  INVALID_REFRESH_TOKEN: [401, 'the refresh token is not valid', '刷新令牌无效'],
  REFRESH_TOKEN_REUSED: [401, 'this refresh token was used before; every session of its family is now revoked', '刷新令牌被重复使用，相关会话已全部注销'],
  FORBIDDEN: [403, 'your roles do not allow this', '您的角色无权执行此操作'],
  ROLE_ABOVE_OWN: [403, 'you cannot grant a role above your own or outside your scope', '不能授予高于自身或超出自身范围的角色'],
  WEAK_PASSWORD: [400, 'the password does not meet the policy', '密码不符合要求'],
  USERNAME_TAKEN: [409, 'this username is taken', '用户名已被占用'],
  TOO_MANY_REQUESTS: [429, 'too many login attempts from this address; wait a minute', '该地址登录尝试过于频繁，请稍后再试'],
} as const;
export type AuthErrorCode = keyof typeof AUTH_ERRORS;

export class AuthError extends DomainError {
  constructor(code: AuthErrorCode, details: ConstructorParameters<typeof DomainError>[4] = []) {
    const [status, message, messageZh] = AUTH_ERRORS[code];
    super(code, status, message, messageZh, details);
  }
}
