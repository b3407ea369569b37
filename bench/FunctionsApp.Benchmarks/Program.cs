using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: the benchmarks see the app's internals (InternalsVisibleTo) and no generated project has to
// build under this repository's warnings-as-errors rules. --quick runs BenchmarkDotNet's short job.
var quick = args.Contains("--quick");
var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance
    .AddJob(job)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(FunctionsApp.Benchmarks.Samples).Assembly).Run([.. args.Where(a => a != "--quick")], config);
