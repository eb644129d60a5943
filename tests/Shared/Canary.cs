using System.Text;
using PhoneNumbers;

namespace ExposureApi.Testing;

/// <summary>
/// A phone number whose every written form is searched for in logs and files: if any form turns up, the number leaked.
/// </summary>
internal sealed class Canary
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public Canary(string e164)
    {
        E164 = e164;
        var number = Util.Parse(e164, null);
        var nsn = Util.GetNationalSignificantNumber(number);
        var cc = number.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Forms =
        [
            e164,                                                  // +447700900123
            cc + nsn,                                              // 447700900123
            "00" + cc + nsn,                                       // 00447700900123
            "0" + nsn,                                             // 07700900123
            nsn,                                                   // 7700900123
            Util.Format(number, PhoneNumberFormat.INTERNATIONAL),  // +44 7700 900123
            Util.Format(number, PhoneNumberFormat.NATIONAL),       // 07700 900123
            Util.Format(number, PhoneNumberFormat.RFC3966),        // tel:+44-7700-900123
            Util.Format(number, PhoneNumberFormat.INTERNATIONAL)[(cc.Length + 2)..], // 7700 900123
        ];
    }

    public string E164 { get; }

    /// <summary>Every way the number might be written.</summary>
    public IReadOnlyList<string> Forms { get; }

    /// <summary>The forms found in <paramref name="text"/>.</summary>
    public IEnumerable<string> FoundIn(string text) => Forms.Where(f => text.Contains(f, StringComparison.Ordinal));

    /// <summary>The forms found in <paramref name="bytes"/>, as UTF-8 or UTF-16 (either byte order).</summary>
    public IEnumerable<string> FoundIn(byte[] bytes) =>
        Forms.Where(f => Contains(bytes, Encoding.UTF8.GetBytes(f)) || Contains(bytes, Encoding.Unicode.GetBytes(f)) || Contains(bytes, Encoding.BigEndianUnicode.GetBytes(f)));

    /// <summary>Asserts that no form of the number is in the captured logs or in any file under <paramref name="folder"/>.</summary>
    public void AssertAbsent(string logs, string folder)
    {
        Assert.Empty(FoundIn(logs));
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var found = FoundIn(TestFiles.ReadShared(file)).ToList();
            Assert.True(found.Count == 0, $"{file} holds the canary as {string.Join(", ", found)}");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public override string ToString() => "Canary";
}
