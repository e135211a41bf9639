{{- define "traefik.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "traefik.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "traefik.instance" -}}
{{- .Values.instanceLabelOverride | default (printf "%s-%s" .Release.Name .Release.Namespace) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "traefik.selectorLabels" -}}
app.kubernetes.io/name: {{ include "traefik.name" . }}
app.kubernetes.io/instance: {{ include "traefik.instance" . }}
{{- end }}

{{- define "traefik.labels" -}}
{{ include "traefik.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "traefik.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "traefik.fullname" .) }}
{{- end }}

{{- define "traefik.image" -}}
{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "traefik.args" -}}
{{- range $name, $p := .Values.ports }}
- --entryPoints.{{ $name }}.address=:{{ $p.port }}/{{ lower $p.protocol }}
{{- end }}
{{- if .Values.api.dashboard }}
- --api.dashboard=true
{{- end }}
- --ping=true
{{- with .Values.metrics.prometheus }}
- --metrics.prometheus=true
- --metrics.prometheus.entryPoint={{ .entryPoint }}
{{- end }}
{{- with .Values.providers.kubernetesCRD }}
{{- if .enabled }}
- --providers.kubernetesCRD
- --providers.kubernetesCRD.allowCrossNamespace={{ .allowCrossNamespace }}
- --providers.kubernetesCRD.allowExternalNameServices={{ .allowExternalNameServices }}
- --providers.kubernetesCRD.allowEmptyServices={{ .allowEmptyServices }}
{{- with .ingressClass }}
- --providers.kubernetesCRD.ingressClass={{ . }}
{{- end }}
{{- with .namespaces }}
- --providers.kubernetesCRD.namespaces={{ join "," . }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.providers.kubernetesIngress }}
{{- if .enabled }}
- --providers.kubernetesIngress
- --providers.kubernetesIngress.allowExternalNameServices={{ .allowExternalNameServices }}
- --providers.kubernetesIngress.allowEmptyServices={{ .allowEmptyServices }}
{{- with .ingressClass }}
- --providers.kubernetesIngress.ingressClass={{ . }}
{{- end }}
{{- with .namespaces }}
- --providers.kubernetesIngress.namespaces={{ join "," . }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.providers.kubernetesIngress.enabled .Values.providers.kubernetesIngress.publishedService.enabled }}
- --providers.kubernetesIngress.ingressEndpoint.publishedService={{ .Values.providers.kubernetesIngress.publishedService.pathOverride | default (printf "%s/%s" .Release.Namespace (include "traefik.fullname" .)) }}
{{- end }}
{{- range $name, $p := .Values.ports }}
{{- if and $p.tls $p.tls.enabled }}
- --entryPoints.{{ $name }}.http.tls=true
{{- with $p.tls.options }}
- --entryPoints.{{ $name }}.http.tls.options={{ . }}
{{- end }}
{{- with $p.tls.certResolver }}
- --entryPoints.{{ $name }}.http.tls.certResolver={{ . }}
{{- end }}
{{- end }}
{{- end }}
- --log.level={{ .Values.logs.general.level }}
{{- with .Values.logs.general.format }}
- --log.format={{ . }}
{{- end }}
{{- if .Values.logs.access.enabled }}
- --accessLog=true
{{- end }}
{{- range .Values.globalArguments }}
- {{ . }}
{{- end }}
{{- range .Values.additionalArguments }}
- {{ . }}
{{- end }}
{{- end }}
