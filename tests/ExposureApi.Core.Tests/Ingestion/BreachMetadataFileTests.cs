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
    [InlineData("""{"Name":"A","Title":"T","BreachDate":"2024-01-01","Nmae":"x"}""", "the breach has an unknown field 'Nmae'; the fields are Name, Title,")]
    [InlineData("""[{"Name":"A","Title":"T","BreachDate":"2024-01-01"},{"Name":"B","BreachDate":"2024-01-01"}]""", "breach 2 has no 'Title' field")]
    [InlineData("""{"Name":"A","Title":"T","BreachDate":"31/01/2024"}""", "breach.json:1")]
    public void InvalidMetadataIsRefusedNamingTheFileAndTheProblem(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Read(json));

        Assert.StartsWith("breach.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ExposureApi.", error.Message, StringComparison.Ordinal); // no .NET type names
    }

    // What GET /api/v1/breaches/{name} returns (camelCase) can be fed back to `exposure breach add`.
    [Fact]
    public void TheV1ApisCamelCaseIsReadToo()
    {
        var breach = new Core.Storage.Breach
        {
            Name = "Alpha", Title = "Alpha breach", BreachDate = new DateOnly(2024, 1, 31), DataClasses = ["Phone numbers"], IsSensitive = true,
            AddedDate = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero),
        };
        var json = System.Text.Json.JsonSerializer.Serialize(breach, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Contains("\"breachDate\":\"2024-01-31\"", json, StringComparison.Ordinal);

        var read = Read(json)[0];
        var none = new Dictionary<string, Core.Storage.BreachTranslation>();
        Assert.Equal(breach with { DataClasses = [], Translations = none }, read with { DataClasses = [], Translations = none }); // the collections compare by reference
        Assert.Equal(breach.DataClasses, read.DataClasses);
        Assert.Empty(read.Translations);
    }
}
