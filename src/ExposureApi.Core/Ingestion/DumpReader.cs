using System.Globalization;
using System.Text;

namespace ExposureApi.Core.Ingestion;

/// <summary>One line of a breach dump: its number in the file (from 1) and the phone-number text read from it.</summary>
/// <param name="Problem">Why no number could be read from the line (a CSV row without the column); null when <paramref name="Value"/> is set.</param>
public readonly record struct DumpLine(long Number, string? Value, string? Problem)
{
    // The generated ToString would print the number.
    public override string ToString() => $"DumpLine {Number}";
}

/// <summary>
/// Reads a raw breach dump: one number per line, or a CSV with a header row and a chosen column; gzip is read
/// transparently and <c>-</c> is standard input. Never logs or reports line content.
/// </summary>
public sealed class DumpReader : IDisposable
{
    private readonly StreamReader _reader;
    private readonly int? _column;
    private readonly char _delimiter;
    private long _lineNumber;

    private DumpReader(string name, StreamReader reader, string? column)
    {
        Name = name;
        _reader = reader;
        if (column is null)
        {
            return;
        }

        var header = reader.ReadLine() ?? throw new DumpFormatException(name, 1, "the file is empty, so it has no header row to find the column in");
        _lineNumber = 1;
        _delimiter = DetectDelimiter(header);
        var names = SplitCsv(header, _delimiter) ?? throw new DumpFormatException(name, 1, "the header row is not valid CSV (an unclosed quote)");
        _column = ResolveColumn(name, names, column);
    }

    public string Name { get; }

    /// <param name="column">A CSV column: its name in the header row, or its position counted from 1. Null for one number per line.</param>
    public static DumpReader Open(string path, string? column)
    {
        var raw = InputStreams.OpenRead(path);
        try
        {
            var reader = new StreamReader(InputStreams.Decompressed(raw), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
            return new DumpReader(InputStreams.IsStandardInput(path) ? "(standard input)" : path, reader, column);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    /// <summary>
    /// How many lines the dump at <paramref name="path"/> has (gzip decompressed), counted as <see cref="Next"/> numbers
    /// them, so progress can be told in lines done out of lines there are. Null for standard input, which cannot be
    /// read twice.
    /// </summary>
    public static long? CountLines(string path, CancellationToken cancellationToken)
    {
        if (InputStreams.IsStandardInput(path))
        {
            return null;
        }

        using var stream = InputStreams.Decompressed(InputStreams.OpenRead(path));
        var buffer = new byte[1 << 16];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }

        return last == (byte)'\n' ? lines : lines + 1; // a last line without a newline is still a line
    }

    /// <summary>The line number of the last line read (the header counts as line 1).</summary>
    public long LineNumber => _lineNumber;

    /// <summary>Reads the next line, or returns null at the end. Blank lines come back with an empty value.</summary>
    public DumpLine? Next()
    {
        var line = _reader.ReadLine();
        if (line is null)
        {
            return null;
        }

        _lineNumber++;
        if (_column is not { } column || string.IsNullOrWhiteSpace(line))
        {
            return new DumpLine(_lineNumber, line.Trim(), null);
        }

        var fields = SplitCsv(line, _delimiter);
        return fields is null ? new DumpLine(_lineNumber, null, "malformed-csv")
            : column < fields.Count ? new DumpLine(_lineNumber, fields[column].Trim(), null)
            : new DumpLine(_lineNumber, null, "missing-column");
    }

    public void Dispose() => _reader.Dispose();

    private static int ResolveColumn(string file, List<string> names, string column)
    {
        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return position >= 1 && position <= names.Count
                ? position - 1
                : throw new DumpFormatException(file, 1, $"the header row has {names.Count} columns, so there is no column {position}");
        }

        var index = names.FindIndex(n => n.Trim().Equals(column, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? index
            // The header's other names are not listed: in a file without a header row, line 1 is somebody's record.
            : throw new DumpFormatException(file, 1, $"the header row has no column named '{column}' (it has {names.Count} columns; give a position from 1 instead, or check the file has a header row)");
    }

    // The delimiter that occurs most often in the header, outside quotes.
    private static char DetectDelimiter(string header)
    {
        char[] candidates = [',', ';', '\t', '|'];
        var counts = new int[candidates.Length];
        var quoted = false;
        foreach (var c in header)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && Array.IndexOf(candidates, c) is var i and >= 0)
            {
                counts[i]++;
            }
        }

        var best = Array.IndexOf(counts, counts.Max());
        return counts[best] > 0 ? candidates[best] : ',';
    }

    /// <summary>Splits one CSV record (RFC 4180 quoting, <c>""</c> for a quote); null when a quote is left open.</summary>
    internal static List<string>? SplitCsv(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(field.ToString());
        return fields;
    }
}

/// <summary>A dump cannot be read at <see cref="Line"/>. The message is <c>file:line: reason</c> and never quotes the line.</summary>
public sealed class DumpFormatException(string file, long line, string reason) : FormatException($"{file}:{line}: {reason}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
}
