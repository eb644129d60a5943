using ExposureApi.Core.Configuration;
using Microsoft.Extensions.Options;

namespace ExposureApi.Configuration;

/// <summary>Checks the whole section at start-up, so a misconfigured service refuses to start with messages a person can act on.</summary>
internal sealed class ExposureOptionsValidator(IHostEnvironment environment) : IValidateOptions<ExposureOptions>
{
    public ValidateOptionsResult Validate(string? name, ExposureOptions options)
    {
        var failures = options.Validate(allowDemoSecrets: environment.IsDevelopment(), environment.EnvironmentName);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
