using System.Reflection;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.Tests.Hosting;

/// <summary>
/// Log event ids are stable and say which feature logged: no two events share an id, and each feature's events stay in
/// one hundred-range of their own (a query on event id 5002 must not mix the analyzer with metrics).
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly (MethodInfo Method, int Id)[] Events = typeof(FunctionsApp.Hosting.AppHost).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(e => e.Attribute is not null)
        .Select(e => (e.Method, e.Attribute!.EventId))
        .ToArray();

    [Fact]
    public void EventIds_AcrossTheApp_AreUnique()
    {
        Assert.NotEmpty(Events);
        var duplicates = Events.GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method.DeclaringType!.FullName}.{e.Method.Name}"))}");

        Assert.Empty(duplicates);
    }

    [Fact]
    public void EventIds_OfOneHundredRange_BelongToOneFeature()
    {
        var shared = Events.GroupBy(e => e.Id / 100)
            .Where(g => g.Select(e => e.Method.DeclaringType!.Namespace).Distinct().Count() > 1)
            .Select(g => $"{g.Key * 100}-{(g.Key * 100) + 99}: {string.Join(", ", g.Select(e => e.Method.DeclaringType!.Namespace).Distinct())}");

        Assert.Empty(shared);
    }
}
