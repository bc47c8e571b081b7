import { extractAccessToken } from './access-token.service';
import { Permission, Role, ROLE_PERMISSIONS, roleHasPermissions } from './permissions';

describe('permissions', () => {
  it('should give admins every permission', () => {
    expect([...ROLE_PERMISSIONS[Role.Admin]].sort()).toEqual(Object.values(Permission).sort());
  });

  it('should make each role a superset of the one below it', () => {
    const order = [Role.Customer, Role.Author, Role.Editor, Role.Admin];
    for (let i = 1; i < order.length; i++) {
      for (const p of ROLE_PERMISSIONS[order[i - 1]])
        expect(ROLE_PERMISSIONS[order[i]].has(p)).toBe(true);
    }
  });

  it('should require every listed permission', () => {
    expect(
      roleHasPermissions(Role.Author, [Permission.AccountSelf, Permission.ArticlesWrite]),
    ).toBe(true);
    expect(roleHasPermissions(Role.Author, [Permission.AccountSelf, Permission.UsersManage])).toBe(
      false,
    );
    expect(roleHasPermissions('root' as Role, [Permission.AccountSelf])).toBe(false);
  });
});

describe(extractAccessToken.name, () => {
  it('should accept Bearer and RealWorld Token schemes, case-insensitively', () => {
    expect(extractAccessToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(extractAccessToken('Token abc.def.ghi')).toBe('abc.def.ghi');
    expect(extractAccessToken('bearer  abc')).toBe('abc');
  });

  it('should ignore other schemes and malformed headers', () => {
    expect(extractAccessToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(extractAccessToken('Bearer')).toBeUndefined();
    expect(extractAccessToken('Bearer a b')).toBeUndefined();
    expect(extractAccessToken(undefined)).toBeUndefined();
  });
});
