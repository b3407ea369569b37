// The Flex Consumption plan and the function app: the .NET isolated worker (FunctionsApp.Worker)
// run by the Functions host on Linux, deployed from a blob container.

@description('Region of the resources.')
param location string

@description('Tags on every resource.')
param tags object

@description('Flex Consumption plan name.')
param planName string

@description('Function app name; also the host name prefix (<name>.azurewebsites.net).')
param name string

@description('URL of the blob container the platform deploys the package from.')
param deploymentContainerUrl string

@description('Memory of one instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Instances kept warm for HTTP functions (billed while idle); 0 scales to zero.')
@minValue(0)
param alwaysReadyHttpInstances int

@description('Concurrent HTTP requests per instance; null keeps the platform default for the memory size.')
param httpPerInstanceConcurrency int?

@description('Allow basic-auth (publishing profile) deployments to the SCM site. Off: deployments use Microsoft Entra tokens.')
param basicPublishingCredentialsEnabled bool

@description('Subnet resource id for VNet integration (outbound traffic to private addresses goes through it); empty for none.')
param virtualNetworkSubnetId string

@description('App settings, names to values.')
param appSettings object

@description('Entra ID application (client) id people sign in to the dashboard with (App Service Authentication). Empty: no sign-in, and the dashboard\'s data answers 401.')
param dashboardClientId string

@description('Entra ID tenant of that application.')
param dashboardTenantId string

@description('App setting holding that application\'s client secret (a Key Vault reference); empty for a registration without one.')
param dashboardAuthenticationSetting string

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Probes of nginx's upstreams need network reach: with a subnet the app connects from inside the VNet.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    clientCertEnabled: false
    // Flex Consumption rejects most siteConfig properties (ftpsState, alwaysOn, linuxFxVersion,
    // ...); FTP does not exist there, and deployments go through the SCM policy below.
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      // The .NET isolated worker on .NET 10: the worker targets net10.0 and is framework-dependent,
      // so the platform's runtime must be 10 (LTS; .NET 8 and 9 isolated reached end of support
      // in November 2026). On Flex this replaces the FUNCTIONS_WORKER_RUNTIME and
      // FUNCTIONS_WORKER_RUNTIME_VERSION app settings, which must not be set.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReadyHttpInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyHttpInstances
              }
            ]
          : []
        triggers: httpPerInstanceConcurrency == null
          ? null
          : {
              http: {
                perInstanceConcurrency: httpPerInstanceConcurrency!
              }
            }
      }
    }
  }
}

// Settings as a child resource so the whole set is replaced on every deployment: a setting
// removed from the template disappears from the app instead of lingering.
resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: app
  name: 'appsettings'
  properties: appSettings
}

// Dashboard sign-in: App Service Authentication with Entra ID. Requests pass through unauthenticated
// (AllowAnonymous) so shippers, the key-protected API and the host's timer calls are untouched; signed-in
// people get X-MS-CLIENT-PRINCIPAL-* headers, which the app requires on /api/dashboard-data/* (the page
// sends people to /.auth/login/aad when they are missing).
resource auth 'Microsoft.Web/sites/config@2024-11-01' = if (!empty(dashboardClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: dashboardClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${dashboardTenantId}/v2.0'
          clientSecretSettingName: empty(dashboardAuthenticationSetting) ? null : dashboardAuthenticationSetting
        }
        validation: {
          allowedAudiences: [
            'api://${dashboardClientId}'
            dashboardClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: basicPublishingCredentialsEnabled
  }
}

@description('Dashboard sign-in is on.')
output dashboardSignIn bool = !empty(dashboardClientId)

@description('Function app name.')
output name string = app.name

@description('Default host name, without scheme.')
output defaultHostName string = app.properties.defaultHostName

@description('Object id of the system-assigned identity.')
output principalId string = app.identity.principalId
