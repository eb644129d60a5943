namespace ExposureApi.Core.Normalization;

/// <summary>Why a submitted number was not accepted. The reason never carries the number itself.</summary>
public enum RejectionReason
{
    /// <summary>Nothing (or only white space) was submitted.</summary>
    Missing,
    /// <summary>No phone number could be read from the text.</summary>
    NotANumber,
    /// <summary>The number has too few digits for its country.</summary>
    TooShort,
    /// <summary>The number has too many digits for its country.</summary>
    TooLong,
    /// <summary>The number's length is between the shortest and longest for its country but matches none of them.</summary>
    InvalidLength,
    /// <summary>The country calling code does not exist.</summary>
    InvalidCountryCode,
    /// <summary>The region supplied with the number is not a known ISO 3166 region.</summary>
    InvalidRegion,
}

/// <summary>The canonical E.164 form of a number, or the reason it was rejected.</summary>
public readonly record struct NormalizationResult
{
    private NormalizationResult(string? e164, RejectionReason? rejection, string? region = null) => (E164, Rejection, Region) = (e164, rejection, region);

    /// <summary>The canonical form, such as <c>+919812345678</c>; null when rejected.</summary>
    public string? E164 { get; }

    /// <summary>Why the number was rejected; null when accepted.</summary>
    public RejectionReason? Rejection { get; }

    /// <summary>The region the number belongs to (ISO 3166, such as IN), for advice that fits it; null when rejected or shared by several.</summary>
    public string? Region { get; }

    public bool IsAccepted => E164 is not null;

    public static NormalizationResult Accepted(string e164, string? region = null) => new(e164, null, region);

    public static NormalizationResult Rejected(RejectionReason reason) => new(null, reason);

    // A record's generated ToString would print the number; this one never does.
    public override string ToString() => IsAccepted ? "Accepted" : $"Rejected({Rejection})";
}
