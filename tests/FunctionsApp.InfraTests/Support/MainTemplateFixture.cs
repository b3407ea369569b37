namespace FunctionsApp.InfraTests.Support;

/// <summary>Compiles infra/main.bicep once for all the tests that inspect the resulting ARM JSON.</summary>
public sealed class MainTemplateFixture : IAsyncLifetime
{
    private ProcessResult? _build;
    private ArmTemplate? _template;

    internal ProcessResult Build => _build ?? throw new InvalidOperationException("Not built yet.");

    internal ArmTemplate Template => _template ?? throw new InvalidOperationException(
        $"infra/main.bicep did not compile: {Build.Describe()}");

    /// <summary>The compiled template as text, for whole-template searches.</summary>
    internal string Json => Build.StandardOutput;

    public async Task InitializeAsync()
    {
        _build = await BicepCli.RunAsync(["build", "infra/main.bicep", "--stdout"]);
        if (_build.ExitCode == 0)
        {
            _template = ArmTemplate.Parse(_build.StandardOutput);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
