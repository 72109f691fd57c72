import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';
import { PriceModel } from '../prices.ts';
import { LogAiSettings } from './logs.ts';

export const roles = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof roles)[number];
export const Role = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('editor'),
  Type.Literal('viewer'),
]);

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export const LoginResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
});
export type LoginResponse = Static<typeof LoginResponse>;

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Nullable(Type.String()),
  is_instance_admin: Type.Boolean(),
  created_at: Timestamp,
});
export type User = Static<typeof User>;

export const Membership = Type.Object({ org_id: Uuid, org_name: Type.String(), role: Role });
export type Membership = Static<typeof Membership>;

export const MeResponse = Type.Object({ user: User, memberships: Type.Array(Membership) });
export type MeResponse = Static<typeof MeResponse>;

export const CreateUserBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    password: Type.String({ minLength: 8, maxLength: 1024 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const Org = Type.Object({
  id: Uuid,
  name: Type.String(),
  slug: Type.String(),
  created_at: Timestamp,
  role: Nullable(Role),
});
export type Org = Static<typeof Org>;
export const CreateOrgBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 120 }) },
  { additionalProperties: false },
);

export const Member = Type.Object({
  user_id: Uuid,
  email: Type.String(),
  name: Nullable(Type.String()),
  role: Role,
  created_at: Timestamp,
});
export type Member = Static<typeof Member>;
export const AddMemberBody = Type.Object(
  { user_id: Type.Optional(Uuid), email: Type.Optional(Type.String({ maxLength: 320 })), role: Role },
  { additionalProperties: false },
);

export const ApiKey = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the key, to recognise it' }),
  role: Role,
  created_at: Timestamp,
  last_used_at: Nullable(Timestamp),
  expires_at: Nullable(Timestamp),
});
export type ApiKey = Static<typeof ApiKey>;
export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    role: Type.Optional(Role),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export const CreatedApiKey = Type.Composite([ApiKey, Type.Object({ key: Type.String({ description: 'Shown once' }) })]);

export const AuditLogEntry = Type.Object({
  id: Uuid,
  org_id: Nullable(Uuid),
  actor_type: Type.String(),
  actor_id: Nullable(Type.String()),
  actor_label: Nullable(Type.String()),
  action: Type.String(),
  resource_type: Type.String(),
  resource_id: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  request_id: Nullable(Type.String()),
  created_at: Timestamp,
});
export type AuditLogEntry = Static<typeof AuditLogEntry>;

export const OrgSettings = Type.Object(
  {
    default_heartbeat_seconds: Type.Integer({ minimum: 5, maximum: 3600, default: 30 }),
    registration_token_default_days: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
    opamp_token_days: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
    deployment_default_soak_seconds: Type.Integer({ minimum: 0, maximum: 86400, default: 30 }),
    base_config_yaml: Nullable(Type.String({ maxLength: 1_000_000 })),
    // ── logs (log studio) ──
    prices: Type.Optional(Nullable(PriceModel)),
    log_ai: Type.Optional(Nullable(LogAiSettings)),
    // ──
  },
  { additionalProperties: false },
);
export type OrgSettings = Static<typeof OrgSettings>;
export const UpdateSettingsBody = Type.Partial(OrgSettings, { additionalProperties: false });
