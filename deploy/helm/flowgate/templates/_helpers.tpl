{{/* Names and labels. */}}
{{- define "flowgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flowgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "flowgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flowgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "flowgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "flowgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "flowgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flowgate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* true when PostgreSQL is configured; otherwise the embedded database is used. */}}
{{- define "flowgate.externalDatabase" -}}
{{- if or .Values.database.url .Values.database.existingSecret -}}true{{- end -}}
{{- end -}}

{{- define "flowgate.redis" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* Refuses configurations that cannot work, with a message that says what to do. */}}
{{- define "flowgate.validate" -}}
{{- $replicas := int .Values.replicaCount -}}
{{- $scales := or (gt $replicas 1) .Values.autoscaling.enabled -}}
{{- if and $scales (not (include "flowgate.externalDatabase" .)) -}}
{{- fail "more than one replica (or autoscaling) needs PostgreSQL: set database.url or database.existingSecret; the embedded database allows one replica" -}}
{{- end -}}
{{- if and $scales (not (include "flowgate.redis" .)) -}}
{{- fail "more than one replica (or autoscaling) needs Redis for events across replicas: set redis.url or redis.existingSecret" -}}
{{- end -}}
{{- if and .Values.secret.value (lt (len .Values.secret.value) 32) -}}
{{- fail "secret.value (FLOWGATE_SECRET) must have at least 32 characters" -}}
{{- end -}}
{{- end -}}

{{/* FLOWGATE_SECRET for the chart's Secret: the given value, else the one already stored, else a new one. */}}
{{- define "flowgate.secretValue" -}}
{{- if .Values.secret.value -}}
{{- .Values.secret.value -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "flowgate.fullname" .) -}}
{{- if and $existing (index $existing.data "FLOWGATE_SECRET") -}}
{{- index $existing.data "FLOWGATE_SECRET" | b64dec -}}
{{- else -}}
{{- randAlphaNum 48 -}}
{{- end -}}
{{- end -}}
{{- end -}}
