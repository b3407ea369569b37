// nginx 502 diagnostics on Azure: the .NET isolated worker (FunctionsApp.Worker) on a Flex Consumption plan,
// its host and log storage, Application Insights, a Key Vault for secrets, and the managed
// identity's role assignments. Deploy with:
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam

targetScope = 'resourceGroup'

metadata description = 'nginx 502 diagnostics: Azure Functions .NET isolated worker on Flex Consumption.'

import { ingestSource, keyVaultAppSetting, monitoredScope, upstreamMapping } from 'types.bicep'

// ---------------------------------------------------------------- naming and placement

@description('Short name the resource names derive from (letters, digits, hyphens).')
@minLength(3)
@maxLength(16)
param baseName string = 'nginx502'

@description('Region of every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Tags on every resource.')
param tags object = {}

// ---------------------------------------------------------------- scale

@description('Memory of one instance in MB. 2048 (the platform default) holds the host and the JIT-compiled .NET worker with room for ingest buffers; 512 is cheaper but tight.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to: a ceiling on throughput and on cost. Flex Consumption accepts 1-1000 (40-1000 in older documentation).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Schedule of the analyze timer (6-field NCRONTAB, UTC): app setting AnalyzeSchedule, which the trigger reads as %AnalyzeSchedule%.')
param analyzeSchedule string = '0 */1 * * * *'

@description('Schedule of the notify timer (queues and delivers due notifications): app setting NotifySchedule.')
param notifySchedule string = '*/30 * * * * *'

@description('Schedule of the daily digest: app setting DigestSchedule.')
param digestSchedule string = '0 0 8 * * *'

@description('Instances kept warm for HTTP functions, billed while idle; 0 scales to zero.')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstances int = 0

@description('Concurrent HTTP requests per instance; leave unset for the platform default of the memory size.')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int?

// ---------------------------------------------------------------- log storage

@description('Days after which a raw log batch (logs/raw/) moves to the cool tier.')
@minValue(1)
@maxValue(3650)
param rawLogsCoolAfterDays int = 7

@description('Days after which a raw log batch is deleted; must be greater than rawLogsCoolAfterDays. Cool blobs deleted before 30 days in cool pay an early-deletion charge.')
@minValue(2)
@maxValue(3650)
param rawLogsDeleteAfterDays int = 60

@description('Days after which an ingestion idempotency marker (logs/dedup/) is deleted.')
@minValue(1)
@maxValue(365)
param dedupMarkersDeleteAfterDays int = 7

@description('Days a deleted blob or container in the log storage can be restored; 0 turns soft delete off.')
@minValue(0)
@maxValue(365)
param blobSoftDeleteRetentionDays int = 7

// ---------------------------------------------------------------- monitoring

@description('Days the Log Analytics workspace keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Daily ingestion cap of the Log Analytics workspace in GB; -1 for none. Data over the cap is dropped until the next day.')
@minValue(-1)
param logDailyQuotaGb int = -1

@description('Accept Application Insights telemetry only from Microsoft Entra-authenticated senders (the app\'s identity).')
param appInsightsDisableLocalAuth bool = true

// ---------------------------------------------------------------- key vault

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Forbid purging deleted secrets before their retention ends. Cannot be turned off once on; turn off only for throw-away environments.')
param keyVaultEnablePurgeProtection bool = true

@description('App settings whose values are Key Vault references to secrets in the vault (webhook URLs, signing secrets).')
param keyVaultAppSettings keyVaultAppSetting[] = []

@description('Optional secret values by secret name, written on every deployment. Prefer az keyvault secret set, which keeps values out of deployment inputs.')
@secure()
param secretValues object = {}

@description('Optional object id of a user, group or service principal allowed to write the vault\'s secrets (Key Vault Secrets Officer).')
param keyVaultOfficerPrincipalId string = ''

@description('Kind of principal keyVaultOfficerPrincipalId is.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param keyVaultOfficerPrincipalType string = 'User'

// ---------------------------------------------------------------- app configuration

@description('Resource groups or subscriptions holding the upstreams; the app gets Monitoring Reader there to read their metrics.')
param monitoredScopes monitoredScope[] = []

@description('Upstreams mapped to the Azure resources that serve them (Metrics__Upstreams__<i>__* app settings).')
param upstreamMappings upstreamMapping[] = []

@description('Accept batches from sources not listed in ingestSources; their kind then comes from ?kind=access|error. Every request still needs a function key.')
param ingestAllowUnknownSources bool = true

@description('Named ingest sources with their log kind and format (Ingestion__Sources__<name>__* app settings).')
param ingestSources ingestSource[] = []

@description('Further non-secret app settings, e.g. Notifications__Receivers__0__Type. Settings this template manages take precedence; settings Flex Consumption rejects, and a key-based AzureWebJobsStorage, are dropped.')
param appSettings object = {}

@description('Allow basic-auth (publishing profile) deployments to the SCM site. Off: deployments authenticate with Microsoft Entra tokens.')
param basicPublishingCredentialsEnabled bool = false

@description('Resource id of a subnet (delegated to Microsoft.App/environments) for VNet integration, so that upstream probes reach nginx\'s upstreams on private networks. Empty: no integration; probes reach only public addresses.')
param virtualNetworkSubnetId string = ''
@description('Entra ID application (client) id for signing in to the dashboard (App Service Authentication); empty turns sign-in off.')
param dashboardClientId string = ''

@description('Entra ID tenant of the dashboard application. Default: this deployment\'s tenant.')
param dashboardTenantId string = tenant().tenantId

@description('App setting with the dashboard application\'s client secret, e.g. MICROSOFT_PROVIDER_AUTHENTICATION_SECRET set through keyVaultAppSettings; empty for none.')
param dashboardAuthenticationSetting string = ''

// ---------------------------------------------------------------- names

var suffix = uniqueString(subscription().id, resourceGroup().id, baseName)
var compactName = take(toLower(replace(baseName, '-', '')), 8)
var names = {
  plan: 'plan-${baseName}-${suffix}'
  functionApp: 'func-${baseName}-${suffix}'
  hostStorage: 'sth${compactName}${suffix}'
  logStorage: 'stl${compactName}${suffix}'
  keyVault: 'kv${compactName}${suffix}'
  workspace: 'log-${baseName}-${suffix}'
  appInsights: 'appi-${baseName}-${suffix}'
}

var containers = {
  deployment: 'app-package'
  logs: 'logs'
  state: 'state'
  incidents: 'incidents'
  notifications: 'notifications'
}

// ---------------------------------------------------------------- resources

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    retentionInDays: logRetentionInDays
    dailyQuotaGb: logDailyQuotaGb
    disableLocalAuth: appInsightsDisableLocalAuth
  }
}

module hostStorage 'modules/host-storage.bicep' = {
  name: 'host-storage'
  params: {
    location: location
    tags: tags
    name: names.hostStorage
    deploymentContainerName: containers.deployment
  }
}

module logStorage 'modules/log-storage.bicep' = {
  name: 'log-storage'
  params: {
    location: location
    tags: tags
    name: names.logStorage
    logsContainerName: containers.logs
    stateContainerName: containers.state
    incidentsContainerName: containers.incidents
    notificationsContainerName: containers.notifications
    rawLogsCoolAfterDays: rawLogsCoolAfterDays
    rawLogsDeleteAfterDays: rawLogsDeleteAfterDays
    dedupMarkersDeleteAfterDays: dedupMarkersDeleteAfterDays
    softDeleteRetentionDays: blobSoftDeleteRetentionDays
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    location: location
    tags: tags
    name: names.keyVault
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    enablePurgeProtection: keyVaultEnablePurgeProtection
    secretValues: secretValues
  }
}

// Functions host: identity-based host storage through service URIs (no account keys, any cloud),
// telemetry with Microsoft Entra auth when local auth is off. FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION are deliberately absent: Flex Consumption takes the runtime from
// functionAppConfig and rejects or ignores those settings.
var hostSettings = union(
  {
    AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
    AzureWebJobsStorage__queueServiceUri: hostStorage.outputs.queueEndpoint
    AzureWebJobsStorage__tableServiceUri: hostStorage.outputs.tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  },
  appInsightsDisableLocalAuth ? { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD' } : {}
)

// Settings that would break a Flex Consumption app (the runtime comes from functionAppConfig,
// the package from the deployment container) or reintroduce an account key. Upper case:
// app setting names are case-insensitive.
var rejectedAppSettings = [
  'FUNCTIONS_WORKER_RUNTIME'
  'FUNCTIONS_WORKER_RUNTIME_VERSION'
  'FUNCTIONS_EXTENSION_VERSION'
  'WEBSITE_RUN_FROM_PACKAGE'
  'WEBSITE_CONTENTSHARE'
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING'
  'SCM_DO_BUILD_DURING_DEPLOYMENT'
  'ENABLE_ORYX_BUILD'
  'AZUREWEBJOBSSTORAGE'
]
var userAppSettings = toObject(
  filter(items(appSettings), setting => !contains(rejectedAppSettings, toUpper(setting.key))),
  setting => setting.key,
  setting => setting.value
)

// The timers' schedules: each trigger reads %Setting%, so the settings must exist (the host does not
// index a function whose schedule setting is missing).
var timerSettings = {
  AnalyzeSchedule: analyzeSchedule
  NotifySchedule: notifySchedule
  DigestSchedule: digestSchedule
}

// The Functions host runs the analyze timer on one instance: it queues one run per site for the
// analyze-site queue function (queue analyze-sites in the host storage), which Flex Consumption
// scales out by the queue's length, each site still run by one instance at a time under its lease.
var analysisSettings = {
  Analysis__FanOut: 'Queue'
}

// The app's own configuration (sections Storage, Ingestion and Metrics of FunctionsApp).
var storageSettings = {
  Storage__ServiceUri: logStorage.outputs.blobEndpoint
  Storage__TableServiceUri: logStorage.outputs.tableEndpoint
  Storage__LogsContainer: containers.logs
  Storage__StateContainer: containers.state
  Storage__IncidentsContainer: containers.incidents
  Notifications__OutboxContainer: containers.notifications
}

var ingestSettings = reduce(
  ingestSources,
  {
    Ingestion__AllowUnknownSources: string(ingestAllowUnknownSources)
  },
  (acc, source) =>
    union(
      acc,
      { 'Ingestion__Sources__${source.name}__Kind': source.kind },
      source.?format == null ? {} : { 'Ingestion__Sources__${source.name}__Format': source.format! },
      source.?site == null ? {} : { 'Ingestion__Sources__${source.name}__Site': source.site! }
    )
)

var upstreamSettings = reduce(
  range(0, length(upstreamMappings)),
  {},
  (acc, i) =>
    union(
      acc,
      {
        'Metrics__Upstreams__${i}__Match': upstreamMappings[i].match
      },
      toObject(
        range(0, length(upstreamMappings[i].resourceIds)),
        j => 'Metrics__Upstreams__${i}__ResourceIds__${j}',
        j => upstreamMappings[i].resourceIds[j]
      ),
      toObject(
        range(0, length(upstreamMappings[i].?metrics ?? [])),
        j => 'Metrics__Upstreams__${i}__Metrics__${j}',
        j => upstreamMappings[i].metrics![j]
      ),
      upstreamMappings[i].?region == null ? {} : { 'Metrics__Upstreams__${i}__Region': upstreamMappings[i].region! },
      upstreamMappings[i].?cpuCores == null ? {} : { 'Metrics__Upstreams__${i}__CpuCores': string(upstreamMappings[i].cpuCores!) },
      upstreamMappings[i].?memoryBytes == null
        ? {}
        : { 'Metrics__Upstreams__${i}__MemoryBytes': string(upstreamMappings[i].memoryBytes!) }
    )
)

// Secrets never pass through app settings in clear: each value is a reference the platform
// resolves with the app's identity. No version in the URI, so a rotated secret is picked up.
var secretSettings = toObject(
  keyVaultAppSettings,
  s => s.appSetting,
  s => '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${s.secretName})'
)

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    location: location
    tags: tags
    planName: names.plan
    name: names.functionApp
    deploymentContainerUrl: hostStorage.outputs.deploymentContainerUrl
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    basicPublishingCredentialsEnabled: basicPublishingCredentialsEnabled
    virtualNetworkSubnetId: virtualNetworkSubnetId
    dashboardClientId: dashboardClientId
    dashboardTenantId: dashboardTenantId
    dashboardAuthenticationSetting: dashboardAuthenticationSetting
    appSettings: union(userAppSettings, timerSettings, analysisSettings, ingestSettings, upstreamSettings, secretSettings, storageSettings, hostSettings)
  }
}

// Role assignments are named from values known before deployment (names, the app's resource id)
// so what-if can predict them; the principal id, known only once the app exists, is a property.
// The scopes exist by then: the function app, whose identity this waits for, uses all of them.
var functionAppId = resourceId('Microsoft.Web/sites', names.functionApp)

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    functionAppId: functionAppId
    hostStorageName: names.hostStorage
    logStorageName: names.logStorage
    keyVaultName: names.keyVault
    appInsightsName: names.appInsights
    keyVaultOfficerPrincipalId: keyVaultOfficerPrincipalId
    keyVaultOfficerPrincipalType: keyVaultOfficerPrincipalType
  }
}

var resourceGroupScopes = filter(monitoredScopes, s => !empty(s.?resourceGroup ?? ''))
var subscriptionScopes = filter(monitoredScopes, s => empty(s.?resourceGroup ?? ''))

module monitoringReaderOnResourceGroups 'modules/monitoring-reader-rg.bicep' = [
  for (s, i) in resourceGroupScopes: {
    name: 'monitoring-reader-rg-${i}'
    scope: resourceGroup(s.?subscriptionId ?? subscription().subscriptionId, s.resourceGroup!)
    params: {
      principalId: functionApp.outputs.principalId
      functionAppId: functionAppId
    }
  }
]

module monitoringReaderOnSubscriptions 'modules/monitoring-reader-subscription.bicep' = [
  for (s, i) in subscriptionScopes: {
    name: 'monitoring-reader-sub-${i}'
    scope: subscription(s.?subscriptionId ?? subscription().subscriptionId)
    params: {
      principalId: functionApp.outputs.principalId
      functionAppId: functionAppId
    }
  }
]

// ---------------------------------------------------------------- outputs

@description('Function app name.')
output functionAppName string = functionApp.outputs.name

@description('Base URL of the function app.')
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Ingest URL to point a log shipper at; replace {source} with a name for the nginx host or fleet.')
output ingestUrl string = 'https://${functionApp.outputs.defaultHostName}/api/ingest/{source}?kind=access'

@description('Command that prints the default function key, for the x-functions-key header of a shipper.')
output functionKeyCommand string = 'az functionapp keys list --resource-group ${resourceGroup().name} --name ${functionApp.outputs.name} --query functionKeys.default --output tsv'

@description('Object id of the function app\'s system-assigned identity.')
output principalId string = functionApp.outputs.principalId

@description('Key Vault that holds the webhook URLs and signing secrets.')
output keyVaultName string = keyVault.outputs.name

@description('Storage account holding the logs, state, incidents and notifications containers.')
output logStorageAccountName string = logStorage.outputs.name

@description('Application Insights component of the app.')
output appInsightsName string = monitoring.outputs.appInsightsName
