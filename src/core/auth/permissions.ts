/**
 * Roles and what they may do: the single source of truth for authorization. Routes declare
 * permissions (`@RequirePermissions(Permission.UsersManage)`), never roles, so a role can change
 * without touching controllers.
 */
export enum Role {
  Admin = 'admin',
  Editor = 'editor',
  Author = 'author',
  Customer = 'customer',
}

export enum Permission {
  /** Read and change one's own account, profile and sessions. */
  AccountSelf = 'account:self',
  UsersRead = 'users:read',
  UsersManage = 'users:manage',
  QueuesView = 'queues:view',
  ArticlesWrite = 'articles:write',
  ArticlesModerate = 'articles:moderate',
  CommentsWrite = 'comments:write',
  CommentsModerate = 'comments:moderate',
  CatalogWrite = 'catalog:write',
  OrdersPlace = 'orders:place',
  OrdersManage = 'orders:manage',
  /** Adjust stock levels (recorded in the stock ledger with a reason). */
  InventoryManage = 'inventory:manage',
}

const customer = [Permission.AccountSelf, Permission.CommentsWrite, Permission.OrdersPlace];
const author = [...customer, Permission.ArticlesWrite];
const editor = [
  ...author,
  Permission.ArticlesModerate,
  Permission.CommentsModerate,
  Permission.CatalogWrite,
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  [Role.Customer]: new Set(customer),
  [Role.Author]: new Set(author),
  [Role.Editor]: new Set(editor),
  [Role.Admin]: new Set(Object.values(Permission)),
};

export function roleHasPermissions(role: Role, required: readonly Permission[]): boolean {
  const granted = ROLE_PERMISSIONS[role];
  return granted !== undefined && required.every((p) => granted.has(p));
}

/** Who is calling, as established by the access token. */
export interface AuthUser {
  id: string;
  role: Role;
  /** The `sessions` row the access token belongs to. */
  sessionId: string;
}
