using System.Globalization;
using System.Text;
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
/// when present; hex in either case; blank lines and surrounding white space ignored. Every error names the file and
/// the line, and never quotes the line. Lines are parsed straight from bytes: a load reads tens of millions of them.
/// </remarks>
public sealed class HashFileReader : IDisposable
{
    public const string Magic = "# exposure-hashes v1";

    /// <summary>
    /// The header of a hash file under <paramref name="scheme"/> (a fingerprint's text), with its count when known: the
    /// one writer of the format's header, for <c>exposure hash</c> and for any tool or test that makes a hash file.
    /// </summary>
    public static string Header(string scheme, long? count = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{Magic}\n# scheme: {scheme}\n{(count is { } n ? $"# count: {n}\n" : "")}");

    private const int HexLength = HashScheme.TagLength * 2;
    private static readonly sbyte[] HexValues = BuildHexValues();

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly long? _declaredCount;
    private int _start;
    private int _end;
    private bool _eof;
    private int _lineNumber;

    private HashFileReader(Stream stream, string displayName)
    {
        _stream = stream;
        DisplayName = displayName;
        Headers = ReadHeader();
        if (!Headers.TryGetValue("scheme", out var scheme))
        {
            throw Error("the header has no '# scheme:' line");
        }

        Fingerprint = SchemeFingerprint.TryParse(scheme) ?? throw Error("the '# scheme:' header is not an exposure-argon2id-v1 fingerprint", SchemeLine);
        if (Headers.TryGetValue("count", out var count))
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
    /// <param name="maxBytes">The most content, once decompressed, the file may hold (<see cref="InputStreams.Decompressed"/>).</param>
    public static HashFileReader Open(Stream stream, string displayName, long? maxBytes = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var content = InputStreams.Decompressed(stream, maxBytes);
        try
        {
            return new HashFileReader(content, displayName);
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    /// <summary>Reads every hash in order. Throws <see cref="HashFileFormatException"/> at the first bad line.</summary>
    public IEnumerable<Hash32> ReadHashes()
    {
        long count = 0;
        while (TryNextLine(out var start, out var length))
        {
            if (length == 0)
            {
                continue;
            }

            count++;
            yield return ParseHash(start, length);
        }

        if (_declaredCount is { } declared && declared != count)
        {
            throw Error($"the header declares {declared} hashes but the file holds {count}");
        }
    }

    public void Dispose() => _stream.Dispose();

    private Hash32 ParseHash(int start, int length)
    {
        var line = _buffer.AsSpan(start, length);
        if (line[0] == (byte)'#')
        {
            throw Error("a header line after the first hash; headers belong at the top");
        }

        if (length != HexLength)
        {
            throw Error($"expected {HexLength} hex digits, found {length} characters");
        }

        Span<byte> bytes = stackalloc byte[HashScheme.TagLength];
        for (var i = 0; i < bytes.Length; i++)
        {
            var high = HexValues[line[2 * i]];
            var low = HexValues[line[(2 * i) + 1]];
            if ((high | low) < 0)
            {
                throw Error("not a hexadecimal hash");
            }

            bytes[i] = (byte)((high << 4) | (byte)low);
        }

        return Hash32.Read(bytes);
    }

    private Dictionary<string, string> ReadHeader()
    {
        if (!TryNextLine(out var start, out var length) || Encoding.UTF8.GetString(_buffer, start, length) != Magic)
        {
            throw Error($"not a hash file: the first line must be '{Magic}'");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (PeekByte() == '#')
        {
            TryNextLine(out start, out length);
            var line = Encoding.UTF8.GetString(_buffer, start, length);
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

    // The first byte of the next line, skipping nothing; -1 at the end.
    private int PeekByte()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_start];
    }

    /// <summary>Finds the next line in the buffer, trimmed of surrounding white space; false at the end of the file.</summary>
    private bool TryNextLine(out int start, out int length)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0 || (_eof && _start < _end))
            {
                var lineEnd = newline >= 0 ? _start + newline : _end;
                (start, length) = Trim(_start, lineEnd);
                _start = newline >= 0 ? lineEnd + 1 : _end;
                _lineNumber++;
                if (length > 1024)
                {
                    throw Error("the line is too long for a hash file");
                }

                return true;
            }

            if (_eof || !Fill())
            {
                (start, length) = (0, 0);
                return false;
            }
        }
    }

    // Moves what is left to the front of the buffer and reads more; false when nothing more could be read.
    private bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        var remaining = _end - _start;
        if (remaining == _buffer.Length)
        {
            throw Error("the line is too long for a hash file", _lineNumber + 1);
        }

        Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
        (_start, _end) = (0, remaining);
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
            return remaining > 0;
        }

        _end += read;
        return true;
    }

    private (int Start, int Length) Trim(int start, int end)
    {
        while (start < end && IsSpace(_buffer[start]))
        {
            start++;
        }

        while (end > start && IsSpace(_buffer[end - 1]))
        {
            end--;
        }

        // A UTF-8 byte order mark at the very start of the file.
        if (_lineNumber == 0 && end - start >= 3 && _buffer[start] == 0xEF && _buffer[start + 1] == 0xBB && _buffer[start + 2] == 0xBF)
        {
            start += 3;
        }

        return (start, end - start);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r';

    private static sbyte[] BuildHexValues()
    {
        var values = new sbyte[256];
        Array.Fill(values, (sbyte)-1);
        for (var c = '0'; c <= '9'; c++)
        {
            values[c] = (sbyte)(c - '0');
        }

        for (var c = 'a'; c <= 'f'; c++)
        {
            values[c] = (sbyte)(c - 'a' + 10);
            values[char.ToUpperInvariant(c)] = (sbyte)(c - 'a' + 10);
        }

        return values;
    }

    private HashFileFormatException Error(string reason, int? line = null) => new(DisplayName, line ?? _lineNumber, reason);
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
