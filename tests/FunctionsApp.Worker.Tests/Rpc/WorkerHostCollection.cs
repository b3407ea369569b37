namespace FunctionsApp.Worker.Tests.Rpc;

/// <summary>The tests that drive the one shared worker process (<see cref="WorkerHostFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class WorkerHostCollection : ICollectionFixture<WorkerHostFixture>
{
    public const string Name = "Worker host";
}
