using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ExposureApi.Problems;

/// <summary>
/// Reads a small JSON request body with the errors the API promises: 415 for a body that is not JSON, 413 for one
/// over the limit, 400 for malformed JSON.
/// </summary>
/// <remarks>
/// The framework's own body binding logs the JSON reader's exception text when it fails, and that text can quote
/// part of the body. A check body holds a phone number, so it is read here instead, where a failure produces a
/// fixed message and nothing of the body reaches a log.
/// </remarks>
internal sealed class JsonRequestBody(IOptions<JsonOptions> jsonOptions)
{
    public async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ProblemTypes.Result(ProblemTypes.UnsupportedMediaType));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, ProblemTypes.Result(ProblemTypes.BodyTooLarge));
        }

        // Read at most one byte past the limit: enough to tell a body that is too large, whatever Content-Length said.
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= maxBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }

            if (length > maxBytes)
            {
                return (null, ProblemTypes.Result(ProblemTypes.BodyTooLarge));
            }

            try
            {
                var value = JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), jsonOptions.Value.SerializerOptions);
                return value is null ? (null, ProblemTypes.Result(ProblemTypes.MalformedJson)) : (value, null);
            }
            catch (JsonException)
            {
                return (null, ProblemTypes.Result(ProblemTypes.MalformedJson));
            }
        }
        finally
        {
            // The buffer held a phone number; do not hand it back to the pool with the number in it.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
