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

    /// <summary>
    /// The title and description in other languages, keyed by language code (<c>hi</c>), for the citizens' page; a
    /// language without one shows <see cref="Title"/> and <see cref="Description"/>. Not part of the API's output.
    /// </summary>
    public IReadOnlyDictionary<string, BreachTranslation> Translations { get; init; } = new Dictionary<string, BreachTranslation>();

    /// <summary>The title in <paramref name="language"/>, or the original.</summary>
    public string TitleIn(string language) => Translations.GetValueOrDefault(language)?.Title is { Length: > 0 } title ? title : Title;

    /// <summary>The description (HTML) in <paramref name="language"/>, or the original.</summary>
    public string DescriptionIn(string language) => Translations.GetValueOrDefault(language)?.Description is { Length: > 0 } description ? description : Description;
}

/// <summary>A breach's title and description (HTML) in one language; either may be left out.</summary>
public sealed record BreachTranslation(string? Title = null, string? Description = null);
