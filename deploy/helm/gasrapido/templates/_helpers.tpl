{{/* Labels every object carries. */}}
{{- define "gasrapido.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: gasrapido
app.kubernetes.io/managed-by: Helm
{{- end }}

{{/* The image reference. */}}
{{- define "gasrapido.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}

{{/* The ConfigMap's name carries a hash of its data, so that changing a value rolls the Deployments (as kustomize's generator does). */}}
{{- define "gasrapido.configName" -}}
gasrapido-config-{{ include "gasrapido.configData" . | sha256sum | trunc 10 }}
{{- end }}

{{/* Non-secret settings shared by every service. */}}
{{- define "gasrapido.configData" -}}
NODE_ENV: production
HOST: 0.0.0.0
GATEWAY_PORT: {{ .Values.gateway.port | quote }}
{{- range .Values.subgraphs }}
{{ upper .name }}_PORT: {{ .port | quote }}
SUBGRAPH_{{ upper .name }}_URL: http://{{ .name }}:{{ .port }}/graphql
{{- end }}
{{- range .Values.subgraphs }}
{{- if eq .name "accounts" }}
ACCOUNTS_JWKS_URL: http://accounts:{{ .port }}/.well-known/jwks.json
ACCOUNTS_SERVICE_URL: http://accounts:{{ .port }}
{{- end }}
{{- if eq .name "invitations" }}
INVITATIONS_SERVICE_URL: http://invitations:{{ .port }}
{{- end }}
{{- end }}
PUBLIC_URL: https://{{ .Values.publicHost }}
GATEWAY_CORS_ORIGINS: {{ .Values.cors.origins | quote }}
GATEWAY_CORS_CREDENTIALS: {{ .Values.cors.credentials | quote }}
{{- range $key, $value := .Values.config }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end }}
