import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Role } from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newSecretToken, sha256Hex, tokenPrefix } from '../../platform/crypto.ts';
import type { TokenSigner } from '../../platform/tokens.ts';
import { roleRank, type OrgScope, type Principal, type Actor } from '../../platform/scope.ts';
import { audit, insertAudit } from '../audit/audit.store.ts';
import * as store from './identity.store.ts';

// verified against when the email is unknown, so timing does not reveal it
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$OSgPIW0j/8VCBpz01lOofg$PjlHj+qZW7tyTKwFUfzBfUKWb35B0FG6RngcDuvDkn0';

export const hashPassword = (password: string) => argonHash(password);

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export const userView = (u: store.UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  is_instance_admin: u.is_instance_admin,
  created_at: u.created_at.toISOString(),
});
const apiKeyView = (k: store.ApiKeyRow) => ({
  id: k.id,
  org_id: k.org_id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  created_at: k.created_at.toISOString(),
  last_used_at: iso(k.last_used_at),
  expires_at: iso(k.expires_at),
});

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'org'
  );
}

export function createIdentityService(deps: { db: Db; tokens: TokenSigner }) {
  const { db, tokens } = deps;

  async function uniqueSlug(sql: Parameters<typeof store.slugTaken>[0], name: string): Promise<string> {
    const base = slugify(name);
    for (let i = 0; ; i++) {
      const slug = i === 0 ? base : `${base}-${i + 1}`;
      if (!(await store.slugTaken(sql, slug))) return slug;
    }
  }

  return {
    /** First start: create the admin user and a default org. Returns the generated password once, or null. */
    async bootstrap(
      adminEmail: string,
      adminPassword: string | null,
    ): Promise<{ created: boolean; email: string; generatedPassword: string | null }> {
      const generated = adminPassword ? null : newSecretToken('fgk').slice(4, 24);
      const password = adminPassword ?? generated!;
      const passwordHash = await hashPassword(password);
      return db.tx(async (sql) => {
        await sql.query('SELECT pg_advisory_xact_lock(72610002)');
        if ((await store.countUsers(sql)) > 0) return { created: false, email: adminEmail, generatedPassword: null };
        const user = await store.insertUser(sql, {
          email: adminEmail,
          name: 'Administrator',
          passwordHash,
          isInstanceAdmin: true,
        });
        const org = await store.insertOrg(sql, 'Default', await uniqueSlug(sql, 'default'));
        await store.upsertMembership(sql, org.id, user.id, 'owner');
        const system: Actor = { type: 'system', id: null, label: 'bootstrap' };
        await insertAudit(sql, org.id, system, null, {
          action: 'org.create',
          resourceType: 'organization',
          resourceId: org.id,
          after: { name: org.name },
        });
        await insertAudit(sql, org.id, system, null, {
          action: 'user.create',
          resourceType: 'user',
          resourceId: user.id,
          after: { email: user.email, is_instance_admin: true },
        });
        return { created: true, email: adminEmail, generatedPassword: generated };
      });
    },

    async login(email: string, password: string) {
      const user = await store.findUserByEmail(db, email);
      const ok = await argonVerify(user?.password_hash ?? DUMMY_HASH, password).catch(() => false);
      if (!user || !ok) throw new AppError('INVALID_CREDENTIALS');
      const { token, expiresIn } = await tokens.signAccess(user.id);
      return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn };
    },

    /** Resolves a Bearer credential (access JWT or API key) to a principal, or null. */
    async authenticate(bearer: string): Promise<Principal | null> {
      if (bearer.startsWith('fgk_')) {
        const key = await store.findActiveApiKeyByHash(db, sha256Hex(bearer));
        if (!key) return null;
        void store.touchApiKey(db, key.id).catch(() => undefined);
        return {
          kind: 'api_key',
          userId: key.user_id,
          apiKeyId: key.id,
          label: `api-key:${key.name}`,
          isInstanceAdmin: false,
          memberships: new Map([[key.org_id, key.role]]),
        };
      }
      const claims = await tokens.verifyAccess(bearer);
      if (!claims) return null;
      const user = await store.findUserById(db, claims.sub);
      if (!user) return null;
      const memberships = await store.membershipsOf(db, user.id);
      return {
        kind: 'user',
        userId: user.id,
        apiKeyId: null,
        label: user.email,
        isInstanceAdmin: user.is_instance_admin,
        memberships: new Map(memberships.map((m) => [m.org_id, m.role])),
      };
    },

    async me(principal: Principal) {
      if (!principal.userId) throw new AppError('NOT_FOUND', 'API keys have no user profile');
      const user = await store.findUserById(db, principal.userId);
      if (!user) throw new AppError('TOKEN_INVALID');
      return { user: userView(user), memberships: await store.membershipsOf(db, user.id) };
    },

    async createUser(
      principal: Principal,
      actor: Actor,
      requestId: string | null,
      body: { email: string; password: string; name?: string },
    ) {
      const adminOrgs = [...principal.memberships].filter(([, r]) => roleRank[r] >= roleRank.admin);
      if (!principal.isInstanceAdmin && adminOrgs.length === 0)
        throw new AppError('FORBIDDEN', 'Creating users needs the admin role in some organization');
      const passwordHash = await hashPassword(body.password);
      try {
        return await db.tx(async (sql) => {
          const user = await store.insertUser(sql, {
            email: body.email,
            name: body.name ?? null,
            passwordHash,
            isInstanceAdmin: false,
          });
          await insertAudit(sql, adminOrgs[0]?.[0] ?? null, actor, requestId, {
            action: 'user.create',
            resourceType: 'user',
            resourceId: user.id,
            after: { email: user.email, name: user.name },
          });
          return userView(user);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', 'A user with this email already exists');
        throw err;
      }
    },

    /** CLI: create a user (optionally adding them to an org) without an HTTP caller. */
    async createUserDirect(body: {
      email: string;
      password: string;
      name?: string;
      orgId?: string;
      role?: Role;
      instanceAdmin?: boolean;
    }) {
      const passwordHash = await hashPassword(body.password);
      return db.tx(async (sql) => {
        if (await store.findUserByEmail(sql, body.email))
          throw new AppError('ALREADY_EXISTS', 'A user with this email already exists');
        const user = await store.insertUser(sql, {
          email: body.email,
          name: body.name ?? null,
          passwordHash,
          isInstanceAdmin: body.instanceAdmin ?? false,
        });
        if (body.orgId) await store.upsertMembership(sql, body.orgId, user.id, body.role ?? 'viewer');
        await insertAudit(sql, body.orgId ?? null, { type: 'system', id: null, label: 'cli' }, null, {
          action: 'user.create',
          resourceType: 'user',
          resourceId: user.id,
          after: { email: user.email },
        });
        return userView(user);
      });
    },

    async listUsers(principal: Principal) {
      return (await store.listUsersVisibleTo(db, principal.userId, principal.isInstanceAdmin)).map(userView);
    },

    async listOrgs(principal: Principal) {
      if (!principal.userId) {
        const [orgId, role] = [...principal.memberships][0]!;
        const org = await store.orgById(db, orgId);
        return org
          ? [{ id: org.id, name: org.name, slug: org.slug, created_at: org.created_at.toISOString(), role }]
          : [];
      }
      return (await store.orgsOfUser(db, principal.userId)).map((o) => ({
        id: o.id,
        name: o.name,
        slug: o.slug,
        created_at: o.created_at.toISOString(),
        role: o.role,
      }));
    },

    async createOrg(principal: Principal, actor: Actor, requestId: string | null, name: string) {
      if (!principal.userId) throw new AppError('FORBIDDEN', 'API keys cannot create organizations');
      return db.tx(async (sql) => {
        const org = await store.insertOrg(sql, name, await uniqueSlug(sql, name));
        await store.upsertMembership(sql, org.id, principal.userId!, 'owner');
        await insertAudit(sql, org.id, actor, requestId, {
          action: 'org.create',
          resourceType: 'organization',
          resourceId: org.id,
          after: { name },
        });
        return {
          id: org.id,
          name: org.name,
          slug: org.slug,
          created_at: org.created_at.toISOString(),
          role: 'owner' as Role,
        };
      });
    },

    async listMembers(scope: OrgScope) {
      return (await store.listMembers(db, scope)).map((m) => ({ ...m, created_at: m.created_at.toISOString() }));
    },

    async addMember(scope: OrgScope, body: { user_id?: string; email?: string; role: Role }) {
      if (body.role === 'owner' && scope.role !== 'owner')
        throw new AppError('FORBIDDEN', 'Only owners can make owners');
      return db.tx(async (sql) => {
        const user = body.user_id
          ? await store.findUserById(sql, body.user_id)
          : body.email
            ? await store.findUserByEmail(sql, body.email)
            : null;
        if (!body.user_id && !body.email) throw new AppError('VALIDATION_FAILED', 'Give user_id or email');
        if (!user) throw new AppError('NOT_FOUND', 'User not found');
        const before = await store.memberRole(sql, scope, user.id);
        if (before === 'owner' && body.role !== 'owner') {
          if (scope.role !== 'owner') throw new AppError('FORBIDDEN', 'Only owners can change an owner');
          if ((await store.countOwners(sql, scope)) <= 1) throw new AppError('LAST_OWNER');
        }
        await store.upsertMembership(sql, scope.orgId, user.id, body.role);
        await audit(sql, scope, {
          action: before ? 'member.update' : 'member.add',
          resourceType: 'membership',
          resourceId: user.id,
          before: before ? { role: before } : undefined,
          after: { email: user.email, role: body.role },
        });
        return {
          user_id: user.id,
          email: user.email,
          name: user.name,
          role: body.role,
          created_at: new Date().toISOString(),
        };
      });
    },

    async removeMember(scope: OrgScope, userId: string) {
      return db.tx(async (sql) => {
        const role = await store.memberRole(sql, scope, userId);
        if (!role) throw new AppError('NOT_FOUND', 'Member not found');
        if (role === 'owner') {
          if (scope.role !== 'owner') throw new AppError('FORBIDDEN', 'Only owners can remove an owner');
          if ((await store.countOwners(sql, scope)) <= 1) throw new AppError('LAST_OWNER');
        }
        await store.deleteMembership(sql, scope, userId);
        await audit(sql, scope, {
          action: 'member.remove',
          resourceType: 'membership',
          resourceId: userId,
          before: { role },
        });
      });
    },

    async createApiKey(
      scope: OrgScope,
      creator: Principal,
      body: { name: string; role?: Role; expires_in_days?: number },
    ) {
      const role = body.role ?? 'viewer';
      if (roleRank[role] > roleRank[scope.role])
        throw new AppError('FORBIDDEN', 'An API key cannot have a higher role than its creator');
      const key = newSecretToken('fgk');
      const expiresAt = body.expires_in_days ? new Date(Date.now() + body.expires_in_days * 86400_000) : null;
      return db.tx(async (sql) => {
        const row = await store.insertApiKey(sql, scope, {
          userId: creator.userId,
          name: body.name,
          prefix: tokenPrefix(key),
          keyHash: sha256Hex(key),
          role,
          expiresAt,
        });
        await audit(sql, scope, {
          action: 'api_key.create',
          resourceType: 'api_key',
          resourceId: row.id,
          after: { name: row.name, role, prefix: row.prefix },
        });
        return { ...apiKeyView(row), key };
      });
    },
    async listApiKeys(scope: OrgScope) {
      return (await store.listApiKeys(db, scope)).map(apiKeyView);
    },
    async revokeApiKey(scope: OrgScope, id: string) {
      return db.tx(async (sql) => {
        const row = await store.revokeApiKey(sql, scope, id);
        if (!row) throw new AppError('NOT_FOUND', 'API key not found');
        await audit(sql, scope, {
          action: 'api_key.revoke',
          resourceType: 'api_key',
          resourceId: id,
          before: { name: row.name, prefix: row.prefix },
        });
      });
    },
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;
