namespace FunctionsApp.Tests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Build_Compiles_True() => Assert.True(true);
}
