namespace ExposureApi.Testing;

/// <summary>
/// Tests that cross-check against a program from Debian (the reference argon2 command, Chromium) skip with the reason
/// where it is missing, so <c>dotnet test</c> passes on a machine with only the .NET SDK. CI sets
/// <c>EXPOSURE_TESTS_REQUIRE_TOOLS=1</c>, which turns a missing tool into a failure: CI must never pass by skipping.
/// </summary>
internal static class ExternalTool
{
    public static string Require(string path, string debianPackage)
    {
        if (File.Exists(path))
        {
            return path;
        }

        var reason = $"{path} is not installed (Debian package '{debianPackage}'; .ci/run installs it)";
        if (Environment.GetEnvironmentVariable("EXPOSURE_TESTS_REQUIRE_TOOLS") == "1")
        {
            Assert.Fail(reason + ", and EXPOSURE_TESTS_REQUIRE_TOOLS=1 forbids skipping.");
        }

        Assert.Skip(reason);
        return path;
    }
}
