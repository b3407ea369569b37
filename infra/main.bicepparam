// Parameters of one deployment. Copy this file per environment (e.g. prod.bicepparam) or
// edit it; every parameter not set here keeps its default in main.bicep.
using 'main.bicep'

// Resource names derive from this; the deploy workflow sets it per environment.
param baseName = readEnvironmentVariable('NGINX502_BASE_NAME', 'nginx502')

// Scale: the host and the JIT-compiled .NET worker are comfortable in the default instance size.
param instanceMemoryMB = 2048
param maximumInstanceCount = 40
param alwaysReadyHttpInstances = 0

// Raw nginx log batches: cool tier after a week, deleted after two months.
param rawLogsCoolAfterDays = 7
param rawLogsDeleteAfterDays = 60

param logRetentionInDays = 30
param keyVaultEnablePurgeProtection = true

// Ingest: any {source} name is accepted with ?kind=access|error; name sources to fix their
// kind and log_format (names: letters, digits, underscores), for example:
//   { name: 'shop_web', kind: 'access', format: 'combined', site: 'shop' }
//   { name: 'shop_error', kind: 'error', site: 'shop' }
param ingestAllowUnknownSources = true
param ingestSources = []

// Where the upstreams run, for Monitoring Reader, for example:
//   { resourceGroup: 'rg-shop-prod' }
//   { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg-api' }
//   { subscriptionId: '00000000-0000-0000-0000-000000000000' }   (the whole subscription)
param monitoredScopes = []

// Upstreams (as nginx logs them) mapped to the Azure resources behind them, for example:
//   {
//     match: '10.0.1.0/24'
//     resourceIds: ['/subscriptions/<sub>/resourceGroups/rg-shop-prod/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-api']
//     region: 'westeurope'
//   }
param upstreamMappings = []

// Secrets are referenced, never stored here. Create each secret first
// (az keyvault secret set --vault-name <vault> --name <secretName> --value <value>), then add:
//   { appSetting: 'Notifications__Receivers__0__Url', secretName: 'teams-webhook-url' }
//   { appSetting: 'Notifications__Receivers__1__Secret', secretName: 'hook-signing-secret' }
param keyVaultAppSettings = []

// VNet integration for upstream probes (POST /api/sites/{site}/probe): a subnet delegated to
// Microsoft.App/environments in a VNet that reaches the upstreams, for example:
//   '/subscriptions/<sub>/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-func'
param virtualNetworkSubnetId = ''

// Non-secret app settings, for example the receiver kinds and names:
//   'Notifications__Receivers__0__Type': 'Teams'
param appSettings = {}

// Dashboard sign-in (App Service Authentication with Entra ID): the client id of an app registration
// whose redirect URI is https://<app>.azurewebsites.net/.auth/login/aad/callback. Empty: no sign-in,
// and the dashboard's data answers 401 (the key-protected API is unaffected).
param dashboardClientId = readEnvironmentVariable('NGINX502_DASHBOARD_CLIENT_ID', '')
