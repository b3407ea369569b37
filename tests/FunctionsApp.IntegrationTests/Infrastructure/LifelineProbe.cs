namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in test host for <c>LifelineTests</c>: <c>dotnet FunctionsApp.IntegrationTests.dll lifeline-probe PROGRAM
/// ARGS...</c> starts the program under a <see cref="Lifeline"/>, prints its pid, and waits to be killed. The test
/// kills this process with SIGKILL, as a crashed or cancelled test host dies, and checks that the program dies too.
/// </summary>
internal static class LifelineProbe
{
    public static async Task<int> RunAsync(IReadOnlyList<string> program)
    {
        if (program.Count == 0)
        {
            await Console.Error.WriteLineAsync("lifeline-probe: give a program to run");
            return 2;
        }

        var start = new System.Diagnostics.ProcessStartInfo(program[0]) { UseShellExecute = false };
        foreach (var argument in program.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Lifeline.Start(start);
        Console.WriteLine(child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Console.Out.FlushAsync();
        await Task.Delay(Timeout.InfiniteTimeSpan);
        return 0;
    }
}
