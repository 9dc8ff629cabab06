/**
 * Who may do what — in one place: this is DESIGN.md's role table ("Who uses it"), and
 * test/http/roles.test.ts checks that the two agree and tries every endpoint with every role.
 * Routes ask `can(actor, action)` (`requireActor`); which records an actor sees is
 * `scopeFor(actor)`: a bank its own, a guarantor its own risk-sharing loans and what they name
 * (DESIGN.md's scope table), others' answering 404. The repositories turn a scope into SQL
 * (filings, claims, registry, imports, reports, breakers).
 */
/** `bureau`: the zone's Finance and Audit Bureau (财政审计局), which approves claims where a programme's stages say so (R23). */
export const ROLES = ['manager', 'reviewer', 'bank', 'guarantor', 'auditor', 'bureau'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  bankId: string | null;
  guarantorId: string | null;
  via: 'session' | 'token';
}

/** The system itself, acting on a rule (the breaker lifting, a claim closed by a full repayment). */
export const SYSTEM: Actor = {
  userId: 'system',
  username: 'system',
  displayName: 'system',
  role: 'manager',
  bankId: null,
  guarantorId: null,
  via: 'session',
};

const ALL: readonly Role[] = ROLES;
const STAFF: readonly Role[] = ['manager', 'reviewer', 'auditor', 'bureau'];

export const PERMISSIONS = {
  /** The working-day calendar (G6): everyone reads it; a manager enters the next year from the notice. */
  'calendar:read': ALL,
  'calendar:write': ['manager'],
  'registry:read': ALL,
  'registry:write': ['manager'],
  'fund:read': ['manager', 'reviewer', 'auditor', 'bureau'],
  'fund:write': ['manager'],
  'filing:read': ALL,
  'filing:write': ['bank', 'manager'],
  /** A risk-sharing loan's guarantor confirms its part (its own loans only: scopeFor). */
  'filing:confirm': ['guarantor'],
  'servicing:write': ['bank', 'manager'],
  'claim:read': ALL,
  'claim:submit': ['bank'],
  'claim:prepare': ['manager'],
  /** Send an undecided claim back to the bank for more (退回补正, R21): the reviewer at either stage. */
  'claim:return': ['manager', 'reviewer'],
  /** A second person approves, or signs a stage; the use case refuses the preparer and roles the stage does not name (R18, R23). */
  'claim:approve': ['manager', 'reviewer', 'bureau'],
  'claim:pay': ['manager'],
  'recovery:write': ['bank', 'manager'],
  /** A write-off (核销) the bank asked for is decided by a second person of the fund's staff (R18). */
  'writeoff:decide': ['manager', 'reviewer'],
  'report:read': ALL,
  'audit:read': STAFF,
  'ledger:read': STAFF,
  'ledger:verify': ['auditor', 'manager'],
  'user:read': ['manager', 'auditor'],
  'user:write': ['manager'],
  'token:write': ['bank', 'manager'],
  'simulation:run': ['manager', 'reviewer', 'auditor'],
  /** Webhook endpoints and their delivery log: a bank its own (scopeFor). */
  'webhook:read': ['bank', 'manager', 'auditor'],
  /** Register, change, delete endpoints, rotate secrets, replay deliveries: a bank for itself, a manager for any bank. */
  'webhook:write': ['bank', 'manager'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function can(actor: Actor, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(actor.role);
}

/** Which records an actor may see: all, one bank's, or one guarantor's risk-sharing loans. */
export type Scope = { kind: 'all' } | { kind: 'bank'; bankId: string } | { kind: 'guarantor'; guarantorId: string };

export function scopeFor(actor: Actor): Scope {
  if (actor.role === 'bank') return { kind: 'bank', bankId: actor.bankId ?? '\u0000none' };
  if (actor.role === 'guarantor') return { kind: 'guarantor', guarantorId: actor.guarantorId ?? '\u0000none' };
  return { kind: 'all' };
}
