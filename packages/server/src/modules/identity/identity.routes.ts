import { Type } from '@sinclair/typebox';
import {
  AddMemberBody,
  ApiKey,
  CreateApiKeyBody,
  CreateOrgBody,
  CreateUserBody,
  CreatedApiKey,
  ErrorBody,
  IdParams,
  LoginBody,
  LoginResponse,
  Member,
  MeResponse,
  OkResponse,
  Org,
  OrgQuery,
  User,
  Uuid,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { requirePrincipal, scopeOf } from '../../platform/http/auth.ts';
import { actorOf } from '../../platform/scope.ts';
import type { IdentityService } from './identity.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const items = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Object({ items: Type.Array(t) });

export async function identityRoutes(
  app: App,
  deps: { identity: IdentityService; loginRateLimit: { max: number; timeWindow: string } },
) {
  const { identity } = deps;

  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true, rateLimit: deps.loginRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password',
        body: LoginBody,
        response: { 200: LoginResponse, ...errors },
      },
    },
    async (req) => identity.login(req.body.email, req.body.password),
  );

  app.get(
    '/api/v1/auth/me',
    {
      schema: { tags: ['auth'], summary: 'The caller and their memberships', response: { 200: MeResponse, ...errors } },
    },
    async (req) => identity.me(requirePrincipal(req)),
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (org admins and instance admins)',
        body: CreateUserBody,
        response: { 201: User, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await identity.createUser(requirePrincipal(req), actorOf(requirePrincipal(req)), String(req.id), req.body),
        ),
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users sharing an organization with the caller',
        response: { 200: items(User), ...errors },
      },
    },
    async (req) => ({ items: await identity.listUsers(requirePrincipal(req)) }),
  );

  app.get(
    '/api/v1/orgs',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Organizations the caller belongs to',
        response: { 200: items(Org), ...errors },
      },
    },
    async (req) => ({ items: await identity.listOrgs(requirePrincipal(req)) }),
  );

  app.post(
    '/api/v1/orgs',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Create an organization (the caller becomes owner)',
        body: CreateOrgBody,
        response: { 201: Org, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await identity.createOrg(
            requirePrincipal(req),
            actorOf(requirePrincipal(req)),
            String(req.id),
            req.body.name,
          ),
        ),
  );

  const OrgParams = Type.Object({ org_id: Uuid }, { additionalProperties: false });
  app.get(
    '/api/v1/orgs/:org_id/members',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Members and roles',
        params: OrgParams,
        response: { 200: items(Member), ...errors },
      },
    },
    async (req) => ({ items: await identity.listMembers(scopeOf(req, 'viewer', req.params.org_id)) }),
  );

  app.post(
    '/api/v1/orgs/:org_id/members',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Add a member or change their role',
        params: OrgParams,
        body: AddMemberBody,
        response: { 201: Member, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await identity.addMember(scopeOf(req, 'admin', req.params.org_id), req.body)),
  );

  app.delete(
    '/api/v1/orgs/:org_id/members/:user_id',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Remove a member',
        params: Type.Object({ org_id: Uuid, user_id: Uuid }, { additionalProperties: false }),
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await identity.removeMember(scopeOf(req, 'admin', req.params.org_id), req.params.user_id);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: { rateLimit: deps.loginRateLimit },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (plaintext shown once)',
        querystring: OrgQuery,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await identity.createApiKey(scopeOf(req, 'admin'), requirePrincipal(req), req.body)),
  );

  app.get(
    '/api/v1/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'API keys of the org (no secrets)',
        querystring: OrgQuery,
        response: { 200: items(ApiKey), ...errors },
      },
    },
    async (req) => ({ items: await identity.listApiKeys(scopeOf(req, 'admin')) }),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await identity.revokeApiKey(scopeOf(req, 'admin'), req.params.id);
      return { ok: true as const };
    },
  );
}
