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

        parsed = ReadAsInternationalWhereOnlyThatFits(parsed, input);

        var possibility = Util.IsPossibleNumberWithReason(parsed);
        if (possibility != PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
        {
            return NormalizationResult.Rejected(FromValidationResult(possibility));
        }

        // The number's region, for advice that fits it; for a number libphonenumber cannot place (a range it does not
        // call valid), the main region of its calling code (+44 is GB, +1 is US).
        var numberRegion = Util.GetRegionCodeForNumber(parsed) ?? Util.GetRegionCodeForCountryCode(parsed.CountryCode);
        return NormalizationResult.Accepted(Util.Format(parsed, PhoneNumberFormat.E164), numberRegion is "ZZ" or "001" ? null : numberRegion);
    }

    // Digits without "+" are read in the region first. When that reading is not a valid number but the same digits
    // read as international (country calling code first, as "447700900000" for a UK number, or "919812345678" typed in
    // India) are, the international reading is the one meant: HIBP clients put numbers in a URL with no way to give a
    // region, and answering "not found" for a number that is in a breach is the worst answer there is. Where both
    // readings are valid, the region's wins. Ranges libphonenumber does not call valid (the UK's 07700 900xxx, kept for
    // drama and tests; new allocations) still count when the number has the length of a mobile or fixed line there
    // and the region's reading does not.
    private static PhoneNumber ReadAsInternationalWhereOnlyThatFits(PhoneNumber parsed, string input)
    {
        if (Util.IsValidNumber(parsed)
            || input.Any(c => !char.IsAsciiDigit(c) && c is not (' ' or '-' or '.' or '(' or ')')))
        {
            return parsed;
        }

        try
        {
            var international = Util.Parse("+" + string.Concat(input.Where(char.IsAsciiDigit)), null);
            return Util.IsValidNumber(international) || (HasAnEverydayLength(international) && !HasAnEverydayLength(parsed))
                ? international
                : parsed;
        }
        catch (NumberParseException)
        {
            return parsed;
        }
    }

    private static bool HasAnEverydayLength(PhoneNumber number) =>
        Util.IsPossibleNumberForType(number, PhoneNumberType.MOBILE) || Util.IsPossibleNumberForType(number, PhoneNumberType.FIXED_LINE);

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
