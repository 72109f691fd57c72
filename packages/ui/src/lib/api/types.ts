// API types derived from the TypeBox schemas in @flowgate/config-model — the contract shared with the
// server. Nothing here is written by hand: each alias is Static<typeof Schema>.
import type { Static } from '@sinclair/typebox';
import type {
  AgentTag as AgentTagSchema,
  ApiKey as ApiKeySchema,
  AuditLogEntry as AuditLogEntrySchema,
  CreateDeploymentBody as CreateDeploymentBodySchema,
  CreatedApiKey as CreatedApiKeySchema,
  CreatedRegistrationToken as CreatedRegistrationTokenSchema,
  CreateRegistrationTokenBody as CreateRegistrationTokenBodySchema,
  CreateTemplateBody as CreateTemplateBodySchema,
  CreateTemplateVersionBody as CreateTemplateVersionBodySchema,
  Deployment as DeploymentSchema,
  DeploymentDetail as DeploymentDetailSchema,
  DeploymentStrategy as DeploymentStrategySchema,
  DeploymentTargetState as DeploymentTargetStateSchema,
  DryRunBody as DryRunBodySchema,
  DryRunResult as DryRunResultSchema,
  FleetSummary as FleetSummarySchema,
  GatewayConfig as GatewayConfigSchema,
  GatewayDeploymentHistoryEntry as GatewayDeploymentHistoryEntrySchema,
  GatewayDetail as GatewayDetailSchema,
  GatewayHealth as GatewayHealthSchema,
  GatewayListQuery as GatewayListQuerySchema,
  GatewayMetrics as GatewayMetricsSchema,
  GatewayMetricsPoint as GatewayMetricsPointSchema,
  GatewayStatusResponse as GatewayStatusResponseSchema,
  GatewaySummary as GatewaySummarySchema,
  GatewayVersion as GatewayVersionSchema,
  LoginResponse as LoginResponseSchema,
  Member as MemberSchema,
  MeResponse as MeResponseSchema,
  Membership as MembershipSchema,
  Org as OrgSchema,
  OrgSettings as OrgSettingsSchema,
  RegistrationToken as RegistrationTokenSchema,
  RotateTokenResponse as RotateTokenResponseSchema,
  Secret as SecretSchema,
  SecretInUseDetails as SecretInUseDetailsSchema,
  SecretReference as SecretReferenceSchema,
  SignalCounts as SignalCountsSchema,
  Template as TemplateSchema,
  TemplateDetail as TemplateDetailSchema,
  TemplateDiff as TemplateDiffSchema,
  TemplateVersion as TemplateVersionSchema,
  TemplateVersionSummary as TemplateVersionSummarySchema,
  UpdateSettingsBody as UpdateSettingsBodySchema,
  User as UserSchema,
  ValidationIssue as ValidationIssueSchema,
  ValidationResult as ValidationResultSchema,
  AddMemberBody as AddMemberBodySchema,
  CreateApiKeyBody as CreateApiKeyBodySchema,
  CreateUserBody as CreateUserBodySchema,
  CreateOrgBody as CreateOrgBodySchema,
  // ── logs (log studio) ──
  CreateLogSampleBody as CreateLogSampleBodySchema,
  CreateLogSampleResult as CreateLogSampleResultSchema,
  LogPattern as LogPatternSchema,
  LogSampleSummary as LogSampleSummarySchema,
  MinePatternsBody as MinePatternsBodySchema,
  MinePatternsResult as MinePatternsResultSchema,
  PreviewLogsBody as PreviewLogsBodySchema,
  PreviewLogsResult as PreviewLogsResultSchema,
  PriceModel as PriceModelSchema,
  PriceSource as PriceSourceSchema,
  RenderLogBlocksResult as RenderLogBlocksResultSchema,
  SaveLogTemplateResult as SaveLogTemplateResultSchema,
  SuggestBody as SuggestBodySchema,
  Suggestion as SuggestionSchema,
  // ──
} from '@flowgate/config-model';

export type {
  ComponentHealthNode,
  FlowgateEvent,
  EventType,
  Role,
  HealthStatus,
  ErrorCode,
} from '@flowgate/config-model';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type LoginResponse = Static<typeof LoginResponseSchema>;
export type MeResponse = Static<typeof MeResponseSchema>;
export type Membership = Static<typeof MembershipSchema>;
export type User = Static<typeof UserSchema>;
export type Org = Static<typeof OrgSchema>;
export type Member = Static<typeof MemberSchema>;
export type ApiKey = Static<typeof ApiKeySchema>;
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;
export type AuditLogEntry = Static<typeof AuditLogEntrySchema>;
export type OrgSettings = Static<typeof OrgSettingsSchema>;
export type UpdateSettingsBody = Static<typeof UpdateSettingsBodySchema>;
export type AddMemberBody = Static<typeof AddMemberBodySchema>;
export type CreateApiKeyBody = Static<typeof CreateApiKeyBodySchema>;
export type CreateUserBody = Static<typeof CreateUserBodySchema>;
export type CreateOrgBody = Static<typeof CreateOrgBodySchema>;

export type RegistrationToken = Static<typeof RegistrationTokenSchema>;
export type CreatedRegistrationToken = Static<typeof CreatedRegistrationTokenSchema>;
export type CreateRegistrationTokenBody = Static<typeof CreateRegistrationTokenBodySchema>;
export type GatewaySummary = Static<typeof GatewaySummarySchema>;
export type GatewayDetail = Static<typeof GatewayDetailSchema>;
export type GatewayListQuery = Static<typeof GatewayListQuerySchema>;
export type GatewayHealth = Static<typeof GatewayHealthSchema>;
export type GatewayVersion = Static<typeof GatewayVersionSchema>;
export type GatewayConfig = Static<typeof GatewayConfigSchema>;
export type GatewayMetrics = Static<typeof GatewayMetricsSchema>;
export type GatewayMetricsPoint = Static<typeof GatewayMetricsPointSchema>;
export type GatewayStatusResponse = Static<typeof GatewayStatusResponseSchema>;
export type RotateTokenResponse = Static<typeof RotateTokenResponseSchema>;
export type AgentTag = Static<typeof AgentTagSchema>;
export type FleetSummary = Static<typeof FleetSummarySchema>;

export type Template = Static<typeof TemplateSchema>;
export type TemplateDetail = Static<typeof TemplateDetailSchema>;
export type TemplateVersion = Static<typeof TemplateVersionSchema>;
export type TemplateVersionSummary = Static<typeof TemplateVersionSummarySchema>;
export type TemplateDiff = Static<typeof TemplateDiffSchema>;
export type CreateTemplateBody = Static<typeof CreateTemplateBodySchema>;
export type CreateTemplateVersionBody = Static<typeof CreateTemplateVersionBodySchema>;
export type ValidationIssue = Static<typeof ValidationIssueSchema>;
export type ValidationResult = Static<typeof ValidationResultSchema>;
export type DryRunBody = Static<typeof DryRunBodySchema>;
export type DryRunResult = Static<typeof DryRunResultSchema>;
export type SignalCounts = Static<typeof SignalCountsSchema>;
export type Secret = Static<typeof SecretSchema>;
export type SecretReference = Static<typeof SecretReferenceSchema>;
export type SecretInUseDetails = Static<typeof SecretInUseDetailsSchema>;

export type Deployment = Static<typeof DeploymentSchema>;
export type DeploymentDetail = Static<typeof DeploymentDetailSchema>;
export type DeploymentStrategy = Static<typeof DeploymentStrategySchema>;
export type DeploymentTargetState = Static<typeof DeploymentTargetStateSchema>;
export type CreateDeploymentBody = Static<typeof CreateDeploymentBodySchema>;
export type GatewayDeploymentHistoryEntry = Static<typeof GatewayDeploymentHistoryEntrySchema>;

// ── logs (log studio) ──
export type CreateLogSampleBody = Static<typeof CreateLogSampleBodySchema>;
export type CreateLogSampleResult = Static<typeof CreateLogSampleResultSchema>;
export type LogPattern = Static<typeof LogPatternSchema>;
export type LogSampleSummary = Static<typeof LogSampleSummarySchema>;
export type MinePatternsBody = Static<typeof MinePatternsBodySchema>;
export type MinePatternsResult = Static<typeof MinePatternsResultSchema>;
export type PreviewLogsBody = Static<typeof PreviewLogsBodySchema>;
export type PreviewLogsResult = Static<typeof PreviewLogsResultSchema>;
export type PriceModel = Static<typeof PriceModelSchema>;
export type PriceSource = Static<typeof PriceSourceSchema>;
export type RenderLogBlocksResult = Static<typeof RenderLogBlocksResultSchema>;
export type SaveLogTemplateResult = Static<typeof SaveLogTemplateResultSchema>;
export type SuggestBody = Static<typeof SuggestBodySchema>;
export type Suggestion = Static<typeof SuggestionSchema>;
// ──
