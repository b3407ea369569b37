// Shapes of the structured parameters of main.bicep, shared with its modules.

@export()
@description('Where the upstreams live: Monitoring Reader is granted there so the app can read their Azure Monitor metrics.')
type monitoredScope = {
  @description('Subscription id; the deployment\'s subscription when omitted.')
  subscriptionId: string?

  @description('Resource group name; omit to grant Monitoring Reader on the whole subscription.')
  resourceGroup: string?
}

@export()
@description('An app setting whose value is a Key Vault reference to a secret in the app\'s vault.')
type keyVaultAppSetting = {
  @description('App setting name, e.g. Notifications__Receivers__0__WebhookUrl (double underscores nest configuration sections).')
  appSetting: string

  @description('Secret name in the vault: 1-127 letters, digits and hyphens.')
  secretName: string
}

@export()
@description('An upstream (or family of upstreams) and the Azure resources that serve it; becomes Metrics__Upstreams__<i>__* app settings.')
type upstreamMapping = {
  @description('Exact host:port, a CIDR, or a hostname glob with * and ?.')
  match: string

  @description('Full ARM resource ids of the resources behind the upstream.')
  resourceIds: string[]

  @description('Azure region of the resources, e.g. westeurope; lets the app use the regional batch metrics API.')
  region: string?

  @description('Metric names to read instead of the defaults for the resource type.')
  metrics: string[]?

  @description('CPU cores per resource; turns NanoCores into a percent of capacity.')
  cpuCores: int?

  @description('Memory per resource in bytes; turns byte metrics into a percent of capacity.')
  memoryBytes: int?
}

@export()
@description('A named ingest source; becomes Ingestion__Sources__<name>__* app settings.')
type ingestSource = {
  @description('The {source} segment of the ingest URL. Letters, digits and underscores only: app setting names on Linux allow no hyphens.')
  name: string

  @description('Which nginx log the source sends.')
  kind: ('access' | 'error')

  @description('nginx log_format string, or a preset: combined, main, auto. Default: auto for access logs.')
  format: string?

  @description('Groups the access and error sources of one nginx.')
  site: string?
}
