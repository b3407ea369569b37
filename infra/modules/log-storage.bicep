// The app's data: raw nginx log batches, analyzer state, incidents and sent notifications.
// Reached only with Microsoft Entra tokens; raw batches age out through a lifecycle policy.

@description('Region of the resources.')
param location string

@description('Tags on every resource.')
param tags object

@description('Storage account name: 3-24 lower-case letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Container of raw batches (raw/) and idempotency markers (dedup/).')
param logsContainerName string

@description('Container of the analyzer checkpoint and engine state.')
param stateContainerName string

@description('Container of incident documents.')
param incidentsContainerName string

@description('Container of sent notifications.')
param notificationsContainerName string

@description('Days after which a raw batch moves to the cool tier.')
@minValue(1)
param rawLogsCoolAfterDays int

@description('Days after which a raw batch is deleted; must be greater than rawLogsCoolAfterDays.')
@minValue(2)
param rawLogsDeleteAfterDays int

@description('Days after which an idempotency marker is deleted.')
@minValue(1)
param dedupMarkersDeleteAfterDays int

@description('Days a deleted blob or container can be restored; 0 turns soft delete off.')
@minValue(0)
@maxValue(365)
param softDeleteRetentionDays int

// A deletion that does not come after the tiering would never let a batch reach the cool tier;
// fail the deployment with the values instead of deploying a policy that silently does less.
var rawLogsDeleteDays = rawLogsDeleteAfterDays > rawLogsCoolAfterDays
  ? rawLogsDeleteAfterDays
  : fail('rawLogsDeleteAfterDays (${rawLogsDeleteAfterDays}) must be greater than rawLogsCoolAfterDays (${rawLogsCoolAfterDays}).')

var softDelete = softDeleteRetentionDays > 0
  ? { enabled: true, days: max(1, softDeleteRetentionDays) }
  : { enabled: false }

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: softDelete
    containerDeleteRetentionPolicy: softDelete
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in [logsContainerName, stateContainerName, incidentsContainerName, notificationsContainerName]: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'raw-logs-cool-then-delete'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${logsContainerName}/raw/']
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: rawLogsCoolAfterDays
                }
                delete: {
                  daysAfterModificationGreaterThan: rawLogsDeleteDays
                }
              }
            }
          }
        }
        {
          name: 'dedup-markers-delete'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${logsContainerName}/dedup/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: dedupMarkersDeleteAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

@description('Storage account name.')
output name string = account.name

@description('Blob endpoint, ending in a slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Table endpoint, ending in a slash (the incident index and the timeline).')
output tableEndpoint string = account.properties.primaryEndpoints.table
