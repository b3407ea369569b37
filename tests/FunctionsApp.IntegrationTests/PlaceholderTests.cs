namespace FunctionsApp.IntegrationTests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Build_Compiles_True() => Assert.True(true);
}
