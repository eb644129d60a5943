using System.Globalization;
using ExposureApi.Core.Hashing;

namespace ExposureApi.Core.Ingestion;

/// <summary>Reads hash file format v1, plain or gzip-compressed (detected from its first bytes).</summary>
/// <remarks>
/// <code>
/// # exposure-hashes v1
/// # scheme: exposure-argon2id-v1;m=19456;t=2;p=1;salt=...;key=...
/// # count: 1234567
/// 1624f2564e6e506951fb922cd5b18b6ca0f03b64db8281031af4b530b8eb5e97
/// </code>
/// Header lines (<c># key: value</c>) only at the top; <c>scheme</c> is required, <c>count</c> optional and checked
/// when present; hex in either case; blank lines ignored. Every error names the file and the line.
/// </remarks>
public sealed class HashFileReader : IDisposable
{
    public const string Magic = "# exposure-hashes v1";

    private readonly TextReader _reader;
    private readonly long? _declaredCount;
    private int _lineNumber;
    private string? _pendingLine;

    private HashFileReader(TextReader reader, string displayName)
    {
        _reader = reader;
        DisplayName = displayName;
        var headers = ReadHeader();
        Headers = headers;
        if (!headers.TryGetValue("scheme", out var scheme))
        {
            throw Error("the header has no '# scheme:' line");
        }

        Fingerprint = SchemeFingerprint.TryParse(scheme) ?? throw Error("the '# scheme:' header is not an exposure-argon2id-v1 fingerprint");
        if (headers.TryGetValue("count", out var count))
        {
            _declaredCount = long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var declared)
                ? declared
                : throw Error("the '# count:' header is not a whole number");
        }
    }

    /// <summary>The name used in error messages: the path, or a name the caller chose for a stream.</summary>
    public string DisplayName { get; }

    public SchemeFingerprint Fingerprint { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The line of the <c># scheme:</c> header, for messages about it.</summary>
    public int SchemeLine { get; private set; }

    /// <summary>Opens <paramref name="path"/>; a gzip file is decompressed on the fly.</summary>
    public static HashFileReader Open(string path) => Open(InputStreams.OpenRead(path), path);

    /// <summary>Reads from <paramref name="stream"/>, which the reader then owns; gzip content is decompressed.</summary>
    public static HashFileReader Open(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var content = InputStreams.Decompressed(stream);
        try
        {
            return new HashFileReader(new StreamReader(content, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16), displayName);
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    /// <summary>Reads every hash in order. Throws <see cref="HashFileFormatException"/> at the first bad line.</summary>
    public IEnumerable<byte[]> ReadHashes()
    {
        long count = 0;
        while (NextLine() is { } line)
        {
            var text = line.AsSpan().Trim();
            if (text.IsEmpty)
            {
                continue;
            }

            if (text[0] == '#')
            {
                throw Error("a header line after the first hash; headers belong at the top");
            }

            if (text.Length != HashScheme.TagLength * 2)
            {
                throw Error($"expected {HashScheme.TagLength * 2} hex digits, found {text.Length} characters");
            }

            var hash = new byte[HashScheme.TagLength];
            if (Convert.FromHexString(text, hash, out _, out _) != System.Buffers.OperationStatus.Done)
            {
                throw Error("not a hexadecimal hash");
            }

            count++;
            yield return hash;
        }

        if (_declaredCount is { } declared && declared != count)
        {
            throw Error($"the header declares {declared} hashes but the file holds {count}");
        }
    }

    public void Dispose() => _reader.Dispose();

    private Dictionary<string, string> ReadHeader()
    {
        var first = NextLine();
        if (first is null || first.Trim() != Magic)
        {
            throw Error($"not a hash file: the first line must be '{Magic}'");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (NextLine() is { } line)
        {
            if (!line.StartsWith('#'))
            {
                _pendingLine = line;
                _lineNumber--;
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw Error("a header line must read '# key: value'");
            }

            var key = line[1..colon].Trim();
            if (key.Equals("scheme", StringComparison.OrdinalIgnoreCase))
            {
                SchemeLine = _lineNumber;
            }
            if (!headers.TryAdd(key, line[(colon + 1)..].Trim()))
            {
                throw Error($"the header '{key}' appears twice");
            }
        }

        return headers;
    }

    private string? NextLine()
    {
        _lineNumber++;
        if (_pendingLine is { } pending)
        {
            _pendingLine = null;
            return pending;
        }

        return _reader.ReadLine();
    }

    private HashFileFormatException Error(string reason) => new(DisplayName, _lineNumber, reason);
}

/// <summary>A hash file is malformed at <see cref="Line"/>. The message is <c>file:line: reason</c> and never quotes the line.</summary>
public sealed class HashFileFormatException : FormatException
{
    public HashFileFormatException(string file, int line, string reason)
        : base($"{file}:{line}: {reason}")
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    public string File { get; }
    public int Line { get; }
    public string Reason { get; }
}
