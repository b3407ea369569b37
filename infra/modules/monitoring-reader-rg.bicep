// Monitoring Reader for the function app on one resource group that holds upstreams.

targetScope = 'resourceGroup'

@description('Object id of the function app\'s system-assigned identity.')
param principalId string

@description('Resource id of the function app: names the assignment, so it is known before deployment (what-if).')
param functionAppId string

// Built-in Monitoring Reader: read metrics and monitoring settings, nothing else.
var monitoringReaderRoleId = '43d0d8ad-25c7-4714-9337-8ba259a9fe05'

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, functionAppId, monitoringReaderRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringReaderRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
