using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BenchmarkDotNet.Jobs;

// In-process: the benchmarks see the app's internals (InternalsVisibleTo) and no generated project has to
// build under this repository's warnings-as-errors rules.
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(FunctionsApp.Benchmarks.Samples).Assembly).Run(args, config);
