using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExposureApi.Core.Hashing;
using Microsoft.Extensions.Time.Testing;

namespace ExposureApi.Cli.Tests;

/// <summary>
/// The CLI as a script or a scheduler uses it: strict parsing on every verb, one JSON document on standard output,
/// plain unwrapped output when nothing is a terminal, progress that tells the truth, and exit codes to branch on.
/// </summary>
public sealed partial class ScriptingTests : IDisposable
{
    private readonly CliWorkspace _workspace = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _workspace.Dispose();

    // Every verb, with arguments it would accept; the theory adds one option or argument nobody defined.
    private static readonly string[][] VerbLines =
    [
        ["init"],
        ["hash", "dump.txt", "-o", "out.hashes"],
        ["breach", "add", "b.json"],
        ["breach", "update", "b.json"],
        ["breach", "list"],
        ["breach", "retire", "Alpha"],
        ["load", "h.hashes", "--breach", "Alpha"],
        ["keys", "add", "partner"],
        ["keys", "list"],
        ["keys", "revoke", "partner"],
        ["stats"],
        ["verify"],
        ["backup", "copy.db"],
    ];

    public static TheoryData<string[]> Verbs() => [.. VerbLines];

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task EveryVerbRefusesAnUnknownOptionAndAStrayArgumentChangingNothing(string[] verb)
    {
        await _workspace.RunAsync("init");
        var before = _workspace.StoreBytes();

        var option = await _workspace.RunAsync([.. verb, "--quiet"]);
        Assert.True(option.ExitCode == 1, option.ToString());
        Assert.Contains("Unknown option 'quiet'", option.Errors, StringComparison.Ordinal);

        // load takes any number of files, so a stray word is one more (missing) file: invalid input, not usage.
        var argument = await _workspace.RunAsync([.. verb, "stray"]);
        Assert.True(argument.ExitCode == (verb[0] == "load" ? 2 : 1), argument.ToString());
        Assert.Empty(argument.Output);
        Assert.Equal(before, _workspace.StoreBytes());
    }

    [Fact]
    public async Task TheVerbsTestedAreTheVerbsTheHelpLists()
    {
        var help = (await _workspace.RunAsync("--help")).Output;
        var commands = help[help.IndexOf("COMMANDS:", StringComparison.Ordinal)..help.IndexOf("EXIT CODES:", StringComparison.Ordinal)];
        var listed = CommandName().Matches(commands).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(VerbLines.Select(verb => verb[0]).ToHashSet(), listed);
    }

    [GeneratedRegex(@"^\s{4}([a-z]+)\b", RegexOptions.Multiline)]
    private static partial Regex CommandName();

    [Fact]
    public async Task EveryReportIsOneJsonDocumentOnStandardOutputWithStableNames()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"),
            """{"Name":"Alpha","Title":"Alpha title","BreachDate":"2024-01-02","PwnCount":10,"DataClasses":["Phone numbers"],"IsVerified":true}""");
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));
        File.WriteAllText(_workspace.File("dump.txt"), "+447700900001\nnot a number\n\n+447700900002\n");

        var hash = Json(await _workspace.RunAsync("hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"), "--json"));
        Assert.Equal(4, hash.GetProperty("linesRead").GetInt64());
        Assert.Equal(2, hash.GetProperty("hashed").GetInt64());
        Assert.Equal(1, hash.GetProperty("rejectedByReason").GetProperty("not-a-number").GetInt64());
        Assert.Equal(1, hash.GetProperty("blank").GetInt64());
        Assert.Equal(_workspace.File("out.hashes"), hash.GetProperty("output").GetString());
        Assert.False(hash.GetProperty("resumed").GetBoolean());

        var load = Json(await _workspace.RunAsync("load", _workspace.File("out.hashes"), "--breach", "Alpha", "--json"));
        Assert.Equal(("Alpha", 2, 2, 0), (load.GetProperty("breach").GetString(), load.GetProperty("rowsRead").GetInt64(), load.GetProperty("newRows").GetInt64(), load.GetProperty("duplicates").GetInt64()));
        Assert.Equal(64, load.GetProperty("files")[0].GetProperty("sha256").GetString()!.Length);

        var stats = Json(await _workspace.RunAsync("stats", "--json"));
        Assert.Equal(2, stats.GetProperty("hashes").GetInt64());
        Assert.Equal(_workspace.Scheme.Fingerprint.ToString(), stats.GetProperty("scheme").GetString());
        var breach = Assert.Single(stats.GetProperty("breaches").EnumerateArray());
        Assert.Equal(("Alpha", 2, "2024-01-02"), (breach.GetProperty("name").GetString(), breach.GetProperty("hashes").GetInt64(), breach.GetProperty("breachDate").GetString()));
        Assert.Equal(["verified"], breach.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("loaded", Assert.Single(stats.GetProperty("recentLoads").EnumerateArray()).GetProperty("outcome").GetString());

        var verify = Json(await _workspace.RunAsync("verify", "--json"));
        Assert.True(verify.GetProperty("ok").GetBoolean());
        Assert.Empty(verify.GetProperty("problems").EnumerateArray());

        Assert.Equal(0, (await _workspace.RunAsync("keys", "add", "partner", "--scopes", "check,admin")).ExitCode);
        var key = Assert.Single(Json(await _workspace.RunAsync("keys", "list", "--json")).EnumerateArray());
        Assert.Equal(["name", "prefix", "scopes", "ratePerMinute", "createdAt", "lastUsedAt", "revokedAt"], key.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["check", "admin"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(JsonValueKind.Null, key.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task TheBreachListInJsonIsWhatBreachUpdateReadsBack()
    {
        await _workspace.RunAsync("init");
        File.WriteAllText(_workspace.File("b.json"),
            """[{"Name":"Alpha","Title":"Alpha title","Domain":"alpha.example","BreachDate":"2024-01-02","PwnCount":10,"Description":"<p>What leaked.</p>","DataClasses":["Phone numbers","Names"],"IsSensitive":true,"Translations":{"hi":{"Title":"अल्फ़ा"}}}]""");
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));

        var listed = await _workspace.RunAsync("breach", "list", "--json");
        var alpha = Assert.Single(Json(listed).EnumerateArray());
        Assert.Equal(("Alpha", "alpha.example", true), (alpha.GetProperty("name").GetString(), alpha.GetProperty("domain").GetString(), alpha.GetProperty("isSensitive").GetBoolean()));

        File.WriteAllText(_workspace.File("listed.json"), listed.Output.Replace("Alpha title", "Alpha, renamed", StringComparison.Ordinal));
        var update = await _workspace.RunAsync("breach", "update", _workspace.File("listed.json"));

        Assert.True(update.ExitCode == 0, update.ToString());
        var stored = (await _workspace.Store.Breaches.GetAsync("Alpha", Ct))!;
        Assert.Equal(("Alpha, renamed", 10), (stored.Title, stored.PwnCount));
        Assert.Equal(["Phone numbers", "Names"], stored.DataClasses);
        Assert.Equal("अल्फ़ा", stored.Translations["hi"].Title);
    }

    [Fact]
    public async Task VerifyInJsonReportsProblemsAndStillExitsNonZero()
    {
        await _workspace.RunAsync("init");
        _workspace.WriteConfig(memoryKiB: 128, CliWorkspace.Salt); // another scheme than the store's

        var result = await _workspace.RunAsync("verify", "--json");

        Assert.Equal(3, result.ExitCode);
        var report = Json(result);
        Assert.False(report.GetProperty("ok").GetBoolean());
        Assert.Contains("m=64", Assert.Single(report.GetProperty("problems").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.Contains("scheme mismatch", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSuchKeyOrBreachHasItsOwnExitCode()
    {
        await _workspace.RunAsync("init");

        var key = await _workspace.RunAsync("keys", "revoke", "nobody");
        var breach = await _workspace.RunAsync("breach", "retire", "Nothing");

        Assert.Equal((5, 5), (key.ExitCode, breach.ExitCode));
        Assert.Contains("exposure: not found: There is no active key named 'nobody'.", key.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputThatIsNotATerminalIsNeverWrapped()
    {
        await _workspace.RunAsync("init");
        var title = "A breach with a title far longer than eighty columns, " + new string('x', 150) + " end";
        File.WriteAllText(_workspace.File("b.json"), $$"""{"Name":"Alpha","Title":"{{title}}","BreachDate":"2024-01-02","DataClasses":["Phone numbers","Email addresses","Names","Dates of birth","Physical addresses"]}""");
        await _workspace.RunAsync("breach", "add", _workspace.File("b.json"));

        var list = await _workspace.RunAsync("breach", "list");

        var row = Assert.Single(list.Output.Split('\n'), line => line.Contains("Alpha", StringComparison.Ordinal));
        Assert.Contains(title, row, StringComparison.Ordinal);
        Assert.Contains("Phone numbers, Email addresses, Names, Dates of birth, Physical addresses", row, StringComparison.Ordinal);
    }

    // The real program, its output a pipe as under cron or CI: no colours, no live bar, no carriage returns, no wrapping;
    // a progress line on standard error at the interval asked for, and only the result on standard output.
    [Fact]
    public async Task ThroughPipesTheRealProgramWritesPlainProgressLinesToStandardErrorOnly()
    {
        using var workspace = new CliWorkspace(memoryKiB: 2048);
        File.WriteAllText(workspace.File("dump.txt"), string.Join('\n', Enumerable.Range(0, 1500).Select(i => $"+447700{i:D6}")) + "\n");

        var (exitCode, output, errors) = await ChildProcess.RunSeparatelyAsync(
            "dotnet", workspace.Folder, [Path.Combine(AppContext.BaseDirectory, "exposure.dll"), "hash", "dump.txt", "-o", "out.hashes", "--progress-interval", "0.1", "--config", workspace.ConfigPath], Ct);

        Assert.True(exitCode == 0, errors);
        var progress = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(progress);
        Assert.All(progress, line => Assert.Matches(@"^Hashing: (\d+ lines|\d+% \([\d,]+ of 1,500 lines\))", line));
        Assert.DoesNotContain('\r', errors + output);
        Assert.DoesNotContain('\u001b', errors + output);
        Assert.DoesNotContain("Hashing", output, StringComparison.Ordinal);
        Assert.Contains("Wrote out.hashes (1,500 hashes", output, StringComparison.Ordinal);

        // A table row longer than 80 columns stays one line through a pipe.
        var title = "A breach whose title is far longer than the eighty columns a console library assumes " + new string('x', 120);
        File.WriteAllText(workspace.File("b.json"), $$"""{"Name":"Alpha","Title":"{{title}}","BreachDate":"2024-01-02"}""");
        foreach (var args in new[] { new[] { "init" }, ["breach", "add", "b.json"] })
        {
            Assert.Equal(0, (await CliProcess.RunAsync(workspace.Folder, Ct, [.. args, "--config", workspace.ConfigPath])).ExitCode);
        }

        var (listed, table, _) = await ChildProcess.RunSeparatelyAsync(
            "dotnet", workspace.Folder, [Path.Combine(AppContext.BaseDirectory, "exposure.dll"), "breach", "list", "--config", workspace.ConfigPath], Ct);
        Assert.Equal(0, listed);
        Assert.Contains(title, Assert.Single(table.Split('\n'), line => line.Contains("Alpha", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', table);
    }

    // Observed before: a 1,008-line file showed 100 % and ETA 0:00:00 for the whole run, because the bar followed the
    // bytes read ahead. Here the hasher's speed is known exactly: each hash advances a fake clock (the one progress is
    // timed with) by a set cost, so the machine's load cannot change the pace. From 10 % done, every line must say a
    // time left within 25 % of what the run really took from there by that clock (the last 4 s excepted, where the
    // display's whole seconds are the error).
    [Fact]
    public async Task ProgressCountsNumbersHashedAndTheTimeLeftIsWithinAQuarterOfTheTruth()
    {
        var (reports, finished) = await HashWithAKnownPaceAsync(3000, _ => TimeSpan.FromMilliseconds(30));

        Assert.True(reports.Count >= 20, $"{reports.Count} progress lines");
        Assert.All(reports, r => Assert.Equal(3000, r.Total));
        Assert.True(reports[0].Done < 3000 / 2, $"the first report claimed {reports[0].Done} of 3000 lines done");
        Assert.Equal(reports.Select(r => r.Done).Order(), reports.Select(r => r.Done));
        var judged = reports.Where(r => r.Done >= 300 && finished - r.At >= TimeSpan.FromSeconds(4)).ToList();
        Assert.True(judged.Count >= 15, $"only {judged.Count} reports to judge");
        Assert.All(judged, r => AssertWithinAQuarter(r.Done, r.Left, finished - r.At));
    }

    // A slow start (the first 600 numbers at 100 ms, the rest at 30 ms): the time left follows the recent rate, so
    // from one window (30 s) after the change it is within 25 % again; the average since the start, which the test
    // also computes, is not (so this scenario can tell the two apart).
    [Fact]
    public async Task TheTimeLeftFollowsTheRecentRateAfterAChangeOfPace()
    {
        var (reports, finished) = await HashWithAKnownPaceAsync(3000, hash => TimeSpan.FromMilliseconds(hash < 600 ? 100 : 30));

        var judged = reports.Where(r => r.At >= TimeSpan.FromSeconds(60 + 30) && finished - r.At >= TimeSpan.FromSeconds(4)).ToList();
        Assert.True(judged.Count >= 10, $"only {judged.Count} reports to judge");
        Assert.All(judged, r => AssertWithinAQuarter(r.Done, r.Left, finished - r.At));
        var first = judged[0];
        var sinceStart = TimeSpan.FromSeconds((3000 - first.Done) / (first.Done / first.At.TotalSeconds));
        Assert.True(Math.Abs((sinceStart - (finished - first.At)).TotalSeconds) > 0.25 * (finished - first.At).TotalSeconds,
            "the average since the start should be off here, or this scenario proves nothing");
    }

    private static void AssertWithinAQuarter(long done, TimeSpan? left, TimeSpan truth) =>
        Assert.True(left is { } l && Math.Abs((l - truth).TotalSeconds) <= 0.25 * truth.TotalSeconds,
            $"at {done} lines the time left said {left}, the truth was {truth}");

    /// <summary>Hashes LINES numbers, hash i costing cost(i) on a fake clock; returns the progress lines, timed by that clock, and the end.</summary>
    private async Task<(List<(TimeSpan At, long Done, long Total, TimeSpan? Left)> Reports, TimeSpan Finished)> HashWithAKnownPaceAsync(int lines, Func<int, TimeSpan> cost)
    {
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', Enumerable.Range(0, lines).Select(i => $"+447700{i:D6}")) + "\n");
        var time = new FakeTimeProvider();
        var hashes = -1;
        _workspace.Time = time;
        // The engine self-test's few hashes come first and are counted too: the clock runs from before them.
        _workspace.CreateWorkers = (hasher, _) => new HashWorkers(hasher, 1, () => new PacedEngine(hasher.CreateEngine(), () => time.Advance(cost(Interlocked.Increment(ref hashes)))));
        var errors = new TimedLines(time);
        var started = time.GetTimestamp();

        var result = await _workspace.RunAsync(errors, Ct, "hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"), "--progress-interval", "0.25");

        Assert.True(result.ExitCode == 0, result.ToString());
        var reports = errors.Lines
            .Select(l => (At: time.GetElapsedTime(started, l.Stamp), Match: ProgressLine().Match(l.Text)))
            .Where(l => l.Match.Success)
            .Select(l => (l.At, Done: long.Parse(l.Match.Groups["done"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
                Total: long.Parse(l.Match.Groups["total"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
                Left: l.Match.Groups["left"].Success ? TimeSpan.Parse(l.Match.Groups["left"].Value, CultureInfo.InvariantCulture) : (TimeSpan?)null))
            .ToList();
        return (reports, time.GetElapsedTime(started));
    }

    [GeneratedRegex(@"^Hashing: \d+% \((?<done>[\d,]+) of (?<total>[\d,]+) lines\)(, [\d,]+ lines/s)?(, (?<left>\d+:\d\d:\d\d) left)?")]
    private static partial Regex ProgressLine();

    [Fact]
    public async Task CtrlCDuringHashSaysHowToCarryOnAndThatCommandFinishesTheJob()
    {
        File.WriteAllText(_workspace.File("dump.txt"), string.Join('\n', Enumerable.Range(0, 400).Select(i => $"+447700{i:D6}")) + "\n");
        // Ctrl-C at the 200th hash, mid-run however busy the machine is (the engine self-test's few hashes come first).
        using var ctrlC = new CancellationTokenSource();
        var hashes = 0;
        _workspace.CreateWorkers = (hasher, _) => new HashWorkers(hasher, 1, () => new PacedEngine(hasher.CreateEngine(), () =>
        {
            if (Interlocked.Increment(ref hashes) == 200)
            {
                ctrlC.Cancel();
            }
        }));

        var interrupted = await _workspace.RunCancellableAsync(ctrlC.Token, "hash", _workspace.File("dump.txt"), "-o", _workspace.File("out.hashes"));

        Assert.Equal(130, interrupted.ExitCode);
        var advice = CarryOn().Match(interrupted.Errors);
        Assert.True(advice.Success, interrupted.Errors);
        _workspace.CreateWorkers = null;
        Assert.StartsWith($"exposure hash {_workspace.File("dump.txt")} -o {_workspace.File("out.hashes")} ", advice.Groups["args"].Value, StringComparison.Ordinal);
        var again = advice.Groups["args"].Value.Split(' ').Skip(1).TakeWhile(a => a != "--config").Append("--resume").ToArray();
        var resumed = await _workspace.RunAsync(again);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resumed", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(400, File.ReadAllLines(_workspace.File("out.hashes")).Count(l => !l.StartsWith('#')));
    }

    [GeneratedRegex(@"exposure: cancelled: Interrupted after line [\d,]+; [\d,]+ hashes are kept in .+, with the checkpoint .+\. To carry on from there, run: (?<args>exposure hash .+ --resume)\n")]
    private static partial Regex CarryOn();

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.ExitCode is 0 or 3, result.ToString());
        using var document = JsonDocument.Parse(result.Output); // the whole of standard output, one document
        return document.RootElement.Clone();
    }

    /// <summary>Standard error, each line stamped with <paramref name="time"/>'s timestamp when it was written.</summary>
    private sealed class TimedLines(TimeProvider time) : StringWriter
    {
        public List<(long Stamp, string Text)> Lines { get; } = [];

        public override void WriteLine(string? value)
        {
            lock (Lines)
            {
                Lines.Add((time.GetTimestamp(), value ?? ""));
            }

            base.WriteLine(value);
        }
    }
}
