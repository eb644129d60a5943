namespace ExposureApi.Core.Storage;

/// <summary>A breach's metadata, with the fields Have I Been Pwned publishes for its own breaches.</summary>
public sealed record Breach
{
    /// <summary>Stable identifier, unique without regard to case, e.g. <c>CoWIN2023</c>.</summary>
    public required string Name { get; init; }
    public required string Title { get; init; }
    public string Domain { get; init; } = "";
    public required DateOnly BreachDate { get; init; }
    public DateTimeOffset AddedDate { get; init; }
    public DateTimeOffset ModifiedDate { get; init; }
    public long PwnCount { get; init; }
    /// <summary>HTML, as HIBP publishes descriptions.</summary>
    public string Description { get; init; } = "";
    public IReadOnlyList<string> DataClasses { get; init; } = [];
    public string LogoPath { get; init; } = "";
    public bool IsVerified { get; init; }
    public bool IsFabricated { get; init; }
    /// <summary>Disclosing membership could itself harm the person (see the README's security model).</summary>
    public bool IsSensitive { get; init; }
    /// <summary>Withdrawn: kept for the record but no longer reported by checks.</summary>
    public bool IsRetired { get; init; }
    public bool IsSpamList { get; init; }
    public bool IsMalware { get; init; }
    public bool IsSubscriptionFree { get; init; }
    public bool IsStealerLog { get; init; }
}
