using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace ExposureApi.Cli.Infrastructure;

/// <summary>
/// Where a command writes. Its result (a table, a summary, or with <c>--json</c> one JSON document) goes to standard
/// output; progress, warnings and errors go to standard error, so <c>exposure stats --json | jq</c> reads only JSON.
/// </summary>
/// <remarks>
/// Output that is not a terminal is written for programs: no colours, no live widgets, and no wrapping at the
/// 80 columns a console library assumes when it cannot ask the terminal (a wrapped table row breaks <c>grep</c>).
/// </remarks>
internal sealed class CliOutput
{
    /// <summary>The width given to output that is not a terminal: wide enough that no line is ever wrapped.</summary>
    internal const int UnwrappedWidth = 32_767;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private CliOutput(IAnsiConsole result, IAnsiConsole messages, TextWriter resultWriter, TextWriter messageWriter)
    {
        Result = result;
        Messages = messages;
        ResultWriter = resultWriter;
        MessageWriter = messageWriter;
    }

    /// <summary>Standard output: what the command produced.</summary>
    public IAnsiConsole Result { get; }

    /// <summary>Standard error: progress, warnings and what went wrong.</summary>
    public IAnsiConsole Messages { get; }

    /// <summary>Standard error as plain text, for the one-line error a failed command ends with.</summary>
    public TextWriter MessageWriter { get; }

    private TextWriter ResultWriter { get; }

    /// <summary>The process's own standard output and error, each a terminal or not.</summary>
    public static CliOutput ForProcess() => new(
        Console(System.Console.Out, System.Console.IsOutputRedirected),
        Console(System.Console.Error, System.Console.IsErrorRedirected),
        System.Console.Out,
        System.Console.Error);

    /// <summary>Two writers that are not terminals, as a pipe, a file or a test sees them.</summary>
    public static CliOutput ForWriters(TextWriter output, TextWriter errors) =>
        new(Console(output, redirected: true), Console(errors, redirected: true), output, errors);

    /// <summary>Writes <paramref name="document"/> to standard output as one JSON document (camelCase names).</summary>
    public void WriteJson<T>(T document)
    {
        // Straight to the writer: the console would wrap a long line and read '[' as markup.
        ResultWriter.WriteLine(JsonSerializer.Serialize(document, Json));
        ResultWriter.Flush();
    }

    private static IAnsiConsole Console(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = UnwrappedWidth;
        }

        return console;
    }
}
