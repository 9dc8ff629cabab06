/** The demo logins (unless BACKSTOP_DEMO=0), on a database with no users; their banks and guarantor are seeded institutions. */
import type { AuthRepository } from '../auth/auth.repository';
import { createUser } from '../auth/auth.usecases';

export const DEMO_PASSWORD = 'backstop-demo';

export const DEMO_USERS = [
  { username: 'manager', displayName: '张经理（托管机构）', role: 'manager' as const },
  { username: 'manager2', displayName: '王经理（托管机构）', role: 'manager' as const },
  { username: 'reviewer', displayName: '李复核', role: 'reviewer' as const },
  { username: 'auditor', displayName: '赵审计', role: 'auditor' as const },
  { username: 'bureau', displayName: '钱科长（财政审计局）', role: 'bureau' as const },
  { username: 'bank-icbc', displayName: '工行经开区支行 刘', role: 'bank' as const, bankId: 'bank-icbc' },
  { username: 'bank-bob', displayName: '北京银行经开区支行 陈', role: 'bank' as const, bankId: 'bank-bob' },
  { username: 'guarantor', displayName: '首创担保 孙', role: 'guarantor' as const, guarantorId: 'guarantor-bjcg' },
];

export async function seedDemoUsers(repo: AuthRepository): Promise<string[]> {
  if ((await repo.countUsers()) > 0) return [];
  for (const u of DEMO_USERS) await createUser({ repo, user: { ...u, password: DEMO_PASSWORD } });
  return DEMO_USERS.map((u) => u.username);
}
