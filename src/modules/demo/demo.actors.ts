/** Who does what in the demo: the demo logins' people, and an officer for each bank. */
import type { Actor, Role } from '../auth/access';

const person = (
  username: string,
  role: Role,
  displayName: string,
  bankId: string | null = null,
  guarantorId: string | null = null,
): Actor => ({ userId: username, username, displayName, role, bankId, guarantorId, via: 'session' });

export const demoManager = person('manager', 'manager', '张经理（托管机构）');
export const demoManager2 = person('manager2', 'manager', '王经理（托管机构）');
export const demoReviewer = person('reviewer', 'reviewer', '李复核');

/** The demo login for ICBC and Bank of Beijing; an officer name for the other banks. */
export const bankOfficer = (bankId: string): Actor =>
  person(
    bankId === 'bank-icbc' || bankId === 'bank-bob' ? bankId : `${bankId}-officer`,
    'bank',
    `${bankId} officer`,
    bankId,
  );

/** The demo login for Beijing Capital Guarantee; an officer name for the other guarantor. */
export const guarantorOfficer = (guarantorId: string): Actor =>
  person(
    guarantorId === 'guarantor-bjcg' ? 'guarantor' : `${guarantorId}-officer`,
    'guarantor',
    `${guarantorId} officer`,
    null,
    guarantorId,
  );
