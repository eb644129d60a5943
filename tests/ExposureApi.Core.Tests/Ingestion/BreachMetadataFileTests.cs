using System.Text;
using ExposureApi.Core.Ingestion;

namespace ExposureApi.Core.Tests.Ingestion;

public sealed class BreachMetadataFileTests
{
    private static IReadOnlyList<Core.Storage.Breach> Read(string json) =>
        BreachMetadataFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "breach.json");

    [Fact]
    public void OneBreachOrAnArrayInHibpsFieldNamesIsRead()
    {
        var one = Read("""{"Name":"Alpha","Title":"Alpha breach","BreachDate":"2024-01-31","DataClasses":["Phone numbers"],"IsSensitive":true}""");
        var two = Read("""[{"Name":"A","Title":"A","BreachDate":"2024-01-01"},{"Name":"B","Title":"B","BreachDate":"2024-01-02",}]""");

        Assert.Equal(("Alpha", new DateOnly(2024, 1, 31), true), (one[0].Name, one[0].BreachDate, one[0].IsSensitive));
        Assert.Equal(["Phone numbers"], one[0].DataClasses);
        Assert.Equal(["A", "B"], two.Select(b => b.Name));
    }

    [Theory]
    [InlineData("""{"Name":"a b","Title":"T","BreachDate":"2024-01-01"}""", "breach name 'a b' is not valid")]
    [InlineData("""{"Name":"A","Title":" ","BreachDate":"2024-01-01"}""", "has no Title")]
    [InlineData("""[{"Name":"A","Title":"T","BreachDate":"2024-01-01"},{"Name":"a","Title":"T","BreachDate":"2024-01-01"}]""", "appears twice")]
    [InlineData("""{"Name":"A","Title":"T","BreachDate":"2024-01-01","Nmae":"x"}""", "breach.json:1")]
    [InlineData("""{"Name":"A","Title":"T","BreachDate":"31/01/2024"}""", "breach.json:1")]
    public void InvalidMetadataIsRefusedNamingTheFileAndTheProblem(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Read(json));

        Assert.StartsWith("breach.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
