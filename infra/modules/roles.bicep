// Least-privilege data-plane roles of the function app's system-assigned identity on the
// resources of this deployment. Monitoring Reader on the upstreams' scopes lives in
// monitoring-reader-*.bicep because those scopes are elsewhere.

@description('Object id of the function app\'s system-assigned identity.')
param principalId string

@description('Resource id of the function app: names the assignments, so they are known before deployment (what-if).')
param functionAppId string

@description('Host storage account (AzureWebJobsStorage and the deployment package).')
param hostStorageName string

@description('Log storage account (the app\'s containers).')
param logStorageName string

@description('Key Vault with the app\'s secrets.')
param keyVaultName string

@description('Application Insights component the host sends telemetry to with Microsoft Entra auth.')
param appInsightsName string

@description('Optional user, group or service principal that may write secrets (Key Vault Secrets Officer); empty for none.')
param keyVaultOfficerPrincipalId string

@description('Kind of keyVaultOfficerPrincipalId.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param keyVaultOfficerPrincipalType string

// Built-in role definition ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// The host needs blob owner (leases, the package container), queues (blob-trigger and
// scale bookkeeping) and tables (diagnostic events) on its own storage, as the Functions
// identity-based connection guidance lists; the app gets none of these on its data.
var hostStorageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: hostStorageName
}

resource logStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: logStorageName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource hostStorageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in hostStorageRoles: {
    name: guid(hostStorage.id, functionAppId, roleId)
    scope: hostStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Read, write, list and lease blobs, and read and write the rows of its tables (the incident index and the timeline),
// is all the app does with its data; Owner would add ACL management it never needs.
var logStorageRoles = [
  roles.storageBlobDataContributor
  roles.storageTableDataContributor
]

resource logStorageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in logStorageRoles: {
    name: guid(logStorage.id, functionAppId, roleId)
    scope: logStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource secretsUserAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionAppId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisherAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionAppId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsOfficerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyVaultOfficerPrincipalId)) {
  name: guid(vault.id, keyVaultOfficerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: keyVaultOfficerPrincipalId
    principalType: keyVaultOfficerPrincipalType
  }
}
