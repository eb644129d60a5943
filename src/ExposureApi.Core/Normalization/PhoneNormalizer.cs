using PhoneNumbers;

namespace ExposureApi.Core.Normalization;

/// <summary>Turns a phone number as a person types it into its canonical E.164 form, or a reason it cannot.</summary>
/// <remarks>
/// A rejection carries only a <see cref="RejectionReason"/>: never the input, so that no error message,
/// log line or problem response built from it can leak the number.
/// </remarks>
public sealed class PhoneNormalizer
{
    /// <summary>Longer input is rejected before it reaches the parser; no real number comes close.</summary>
    public const int MaxInputLength = 64;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public PhoneNormalizer(string defaultRegion = "IN")
    {
        if (!IsSupportedRegion(defaultRegion))
        {
            throw new ArgumentException(
                $"'{defaultRegion}' is not a region libphonenumber knows; use a two-letter ISO 3166 code such as IN or GB.",
                nameof(defaultRegion));
        }

        DefaultRegion = defaultRegion.ToUpperInvariant();
    }

    /// <summary>The region assumed for numbers written without a country code.</summary>
    public string DefaultRegion { get; }

    /// <summary>The two-letter regions libphonenumber knows, sorted.</summary>
    public static IReadOnlyList<string> SupportedRegions { get; } = [.. Util.GetSupportedRegions().Order(StringComparer.Ordinal)];

    public static bool IsSupportedRegion(string? region) =>
        region is { Length: 2 } && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    /// <summary>Normalises <paramref name="input"/> for <paramref name="region"/> (or the default region when null).</summary>
    public NormalizationResult Normalize(string? input, string? region = null)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return NormalizationResult.Rejected(RejectionReason.Missing);
        }

        if (input.Length > MaxInputLength)
        {
            return NormalizationResult.Rejected(RejectionReason.TooLong);
        }

        string effectiveRegion;
        if (region is null)
        {
            effectiveRegion = DefaultRegion;
        }
        else if (IsSupportedRegion(region))
        {
            effectiveRegion = region.ToUpperInvariant();
        }
        else
        {
            return NormalizationResult.Rejected(RejectionReason.InvalidRegion);
        }

        PhoneNumber parsed;
        try
        {
            parsed = Util.Parse(input, effectiveRegion);
        }
        catch (NumberParseException e)
        {
            return NormalizationResult.Rejected(FromParseError(e.ErrorType));
        }

        parsed = WithoutRepeatedCountryCode(parsed, effectiveRegion);

        var possibility = Util.IsPossibleNumberWithReason(parsed);
        if (possibility != PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
        {
            return NormalizationResult.Rejected(FromValidationResult(possibility));
        }

        return NormalizationResult.Accepted(Util.Format(parsed, PhoneNumberFormat.E164));
    }

    // "919812345678" typed in India is the country code followed by a national number, without the "+".
    // libphonenumber keeps it as a 12-digit national number when that length is merely possible, so when the
    // digits begin with the region's own calling code and what follows is a valid national number while the
    // whole is not, the calling code is the better reading.
    private static PhoneNumber WithoutRepeatedCountryCode(PhoneNumber parsed, string region)
    {
        if (parsed.CountryCodeSource != PhoneNumber.Types.CountryCodeSource.FROM_DEFAULT_COUNTRY
            || Util.IsValidNumber(parsed))
        {
            return parsed;
        }

        var callingCode = Util.GetCountryCodeForRegion(region).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var national = parsed.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!national.StartsWith(callingCode, StringComparison.Ordinal) || national.Length <= callingCode.Length)
        {
            return parsed;
        }

        try
        {
            var reread = Util.Parse("+" + national, region);
            return Util.IsValidNumber(reread) ? reread : parsed;
        }
        catch (NumberParseException)
        {
            return parsed;
        }
    }

    private static RejectionReason FromParseError(ErrorType error) => error switch
    {
        ErrorType.INVALID_COUNTRY_CODE => RejectionReason.InvalidCountryCode,
        ErrorType.TOO_SHORT_AFTER_IDD or ErrorType.TOO_SHORT_NSN => RejectionReason.TooShort,
        ErrorType.TOO_LONG => RejectionReason.TooLong,
        _ => RejectionReason.NotANumber,
    };

    private static RejectionReason FromValidationResult(PhoneNumberUtil.ValidationResult result) => result switch
    {
        PhoneNumberUtil.ValidationResult.TOO_SHORT or PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY => RejectionReason.TooShort,
        PhoneNumberUtil.ValidationResult.TOO_LONG => RejectionReason.TooLong,
        PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => RejectionReason.InvalidCountryCode,
        _ => RejectionReason.InvalidLength,
    };
}
