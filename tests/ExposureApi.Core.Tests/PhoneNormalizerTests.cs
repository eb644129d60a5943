using ExposureApi.Core.Normalization;

namespace ExposureApi.Core.Tests;

public sealed class PhoneNormalizerTests
{
    private readonly PhoneNormalizer _normalizer = new("IN");

    [Theory]
    [InlineData("9812345678")]
    [InlineData("09812345678")]
    [InlineData("+91 98123 45678")]
    [InlineData("+91-98123-45678")]
    [InlineData("(+91) 9812345678")]
    [InlineData("0091 98123 45678")]
    [InlineData("919812345678")]
    public void EveryIndianFormatGivesTheSameE164(string input)
    {
        var result = _normalizer.Normalize(input);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal("+919812345678", result.E164);
    }

    // An HIBP client writes the number into a URL, often without "+", and cannot say which region it meant.
    [Theory]
    [InlineData("447700900123", "+447700900123")] // no Indian number has these digits; a UK mobile (drama range) does
    [InlineData("4915123456789", "+4915123456789")] // a German mobile, valid
    [InlineData("1 202 555 0143", "+12025550143")]
    [InlineData("919812345678", "+919812345678")] // India's own calling code, typed without +
    [InlineData("6567882137", "+916567882137")] // valid in India and as a Singapore number: the default region wins
    [InlineData("9812345678", "+919812345678")]
    public void DigitsThatOnlyFitAsInternationalAreReadThatWay(string input, string e164) =>
        Assert.Equal(e164, _normalizer.Normalize(input).E164);

    [Theory]
    [InlineData("+1 202-555-0143", null)]
    [InlineData("202-555-0143", "US")]
    [InlineData("(202) 555-0143", "us")]
    public void AnExplicitRegionOverridesTheDefault(string input, string? region)
    {
        Assert.Equal("+12025550143", _normalizer.Normalize(input, region).E164);
    }

    // The number's own region selects advice (where to report fraud); it is never the number itself.
    [Theory]
    [InlineData("98123 45678", null, "IN")]
    [InlineData("+44 7700 900123", null, "GB")] // a drama range libphonenumber does not call valid: its calling code's main region
    [InlineData("202-555-0143", "US", "US")]
    [InlineData("+1 416 555 0143", null, "CA")] // +1 is shared: the number's own region, not the calling code's main one
    [InlineData("+49 151 23456789", null, "DE")]
    public void AnAcceptedNumberCarriesItsRegion(string input, string? region, string expected) =>
        Assert.Equal(expected, _normalizer.Normalize(input, region).Region);

    [Fact]
    public void TheDefaultRegionComesFromTheConstructor()
    {
        var british = new PhoneNormalizer("GB");

        Assert.Equal("+447700900123", british.Normalize("07700 900123").E164);
        Assert.Equal("+917700900123", _normalizer.Normalize("7700900123").E164);
    }

    [Theory]
    [InlineData("98123", RejectionReason.TooShort)]
    [InlineData("+91 98123 45678 12345 6", RejectionReason.TooLong)]
    [InlineData("+999 1234567", RejectionReason.InvalidCountryCode)]
    [InlineData("not a number", RejectionReason.NotANumber)]
    [InlineData("", RejectionReason.Missing)]
    [InlineData("   ", RejectionReason.Missing)]
    [InlineData(null, RejectionReason.Missing)]
    public void ImpossibleNumbersAreRejectedWithAReason(string? input, RejectionReason expected)
    {
        var result = _normalizer.Normalize(input);

        Assert.False(result.IsAccepted);
        Assert.Null(result.E164);
        Assert.Equal(expected, result.Rejection);
    }

    [Fact]
    public void InputLongerThanAnyNumberIsRejectedBeforeParsing()
    {
        Assert.Equal(RejectionReason.TooLong, _normalizer.Normalize(new string('9', PhoneNormalizer.MaxInputLength + 1)).Rejection);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("India")]
    [InlineData("")]
    public void AnUnknownRegionIsRejected(string region)
    {
        Assert.Equal(RejectionReason.InvalidRegion, _normalizer.Normalize("9812345678", region).Rejection);
    }

    [Fact]
    public void AnUnknownDefaultRegionIsAConfigurationError()
    {
        var error = Assert.Throws<ArgumentException>(() => new PhoneNormalizer("XX"));
        Assert.Contains("ISO 3166", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoResultTextEverContainsTheNumber()
    {
        foreach (var input in new[] { "9812345678", "98123", "+999 1234567" })
        {
            var text = _normalizer.Normalize(input).ToString();
            Assert.DoesNotContain("98123", text, StringComparison.Ordinal);
            Assert.DoesNotContain("1234567", text, StringComparison.Ordinal);
        }
    }
}
