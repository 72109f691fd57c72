import {
  ErrorBody,
  GatewayInventory,
  GatewayInventoryHistory,
  IdParams,
  InventoryHistoryQuery,
  OrgInventory,
  OrgInventoryHistory,
  OrgInventoryQuery,
  OrgQuery,
  Snapshot,
  SnapshotBody,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { InventoryService } from './inventory.service.ts';
import type { SnapshotService } from './snapshots.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const tags = ['inventory'];

export async function inventoryRoutes(app: App, deps: { inventory: InventoryService; snapshots: SnapshotService }) {
  const { inventory, snapshots } = deps;
  app.get(
    '/api/v1/gateways/:id/inventory',
    {
      schema: {
        tags,
        summary:
          'What flows through the gateway, measured by its Flowgate processor: metrics (series, labels, ' +
          'rates), log groups and items/bytes in and out per pipeline, from the latest window',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: GatewayInventory, ...errors },
      },
    },
    async (req) => inventory.gatewayInventory(scopeOf(req, 'viewer'), req.params.id),
  );
  app.get(
    '/api/v1/gateways/:id/inventory/history',
    {
      schema: {
        tags,
        summary: 'Items and bytes in and out per pipeline and hour (for charts)',
        querystring: InventoryHistoryQuery,
        params: IdParams,
        response: { 200: GatewayInventoryHistory, ...errors },
      },
    },
    async (req) => inventory.gatewayHistory(scopeOf(req, 'viewer'), req.params.id, req.query.hours ?? 24),
  );
  app.get(
    '/api/v1/inventory',
    {
      schema: {
        tags,
        summary:
          'The org-wide metric inventory: every metric name seen by a gateway that reported in the last hour, ' +
          'series and rates summed over gateways, the gateways it was seen on; by name, paged',
        querystring: OrgInventoryQuery,
        response: { 200: OrgInventory, ...errors },
      },
    },
    async (req) => inventory.orgInventory(scopeOf(req, 'viewer'), req.query),
  );
  app.get(
    '/api/v1/inventory/history',
    {
      schema: {
        tags,
        summary: 'Items and bytes in and out per signal and hour, summed over the org’s gateways',
        querystring: InventoryHistoryQuery,
        response: { 200: OrgInventoryHistory, ...errors },
      },
    },
    async (req) => inventory.orgHistory(scopeOf(req, 'viewer'), req.query.hours ?? 24),
  );
  app.post(
    '/api/v1/gateways/:id/snapshots',
    {
      schema: {
        tags,
        summary:
          'Ask the gateway for the next records passing a point of its pipelines (bounded; credentials masked; ' +
          'not stored). 409 CAPABILITY_MISSING without the Flowgate processor, 409 GATEWAY_NOT_CONNECTED, ' +
          '502 SNAPSHOT_FAILED when it answers with an error, 504 SNAPSHOT_TIMEOUT when no answer comes within ' +
          'timeout_s + 10 s',
        querystring: OrgQuery,
        params: IdParams,
        body: SnapshotBody,
        response: { 200: Snapshot, ...errors, 409: ErrorBody, 502: ErrorBody, 504: ErrorBody },
      },
    },
    async (req) => snapshots.take(scopeOf(req, 'editor'), req.params.id, req.body),
  );
}
