namespace FunctionsApp.Hosting;

/// <summary>One <c>&lt;Name&gt;/function.json</c>.</summary>
/// <param name="Name">The folder name, which is the function name.</param>
/// <param name="Bindings">Its bindings.</param>
internal sealed record FunctionDefinition(string Name, IReadOnlyList<FunctionBinding> Bindings)
{
    /// <summary>The trigger binding (direction <c>in</c>, type ending in <c>Trigger</c>), if any.</summary>
    public FunctionBinding? Trigger => Bindings.FirstOrDefault(b =>
        string.Equals(b.Direction, "in", StringComparison.OrdinalIgnoreCase) &&
        b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
}
