// Shapes the UI calls that are not (yet) schemas in @flowgate/config-model. They are listed in the
// field-request list for the server; replace each alias by Static<typeof Schema> once it exists there.

/** GET /api/v1/supervisor/config?org_id=&registration_token_id=&name= */
export interface SupervisorConfigResponse {
  supervisor_yaml: string;
  command: string;
  /** The install script for a new host: `curl -fsSL <server>/install.sh | sh -s -- --registration-token …`. */
  install_command: string;
}

/** GET /api/v1/gateways/count?org_id=&tag=k=v */
export interface GatewayCountResponse {
  count: number;
}
