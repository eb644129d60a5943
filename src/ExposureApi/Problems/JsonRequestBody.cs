using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ExposureApi.Problems;

/// <summary>
/// Reads a small JSON request body with the errors the API promises: 415 for a body that is not JSON or not UTF-8,
/// 413 for one over the limit (whatever Content-Length said, chunked or not), 400 for malformed JSON. A UTF-8 byte
/// order mark is accepted.
/// </summary>
/// <remarks>
/// The framework's own body binding logs the JSON reader's exception text when it fails, and that text can quote
/// part of the body. A check body holds a phone number, so it is read here instead, where a failure produces a
/// fixed message and nothing of the body reaches a log.
/// </remarks>
internal sealed class JsonRequestBody(IOptions<JsonOptions> jsonOptions)
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ProblemTypes.Result(ProblemTypes.UnsupportedMediaType));
        }

        // JSON is UTF-8 (RFC 8259 §8.1); a body that says it is in another charset would be misread, not read.
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) && mediaType.Charset is { Length: > 0 } charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ProblemTypes.Result(
                ProblemTypes.UnsupportedMediaType, "The body must be JSON in UTF-8: send Content-Type: application/json, with charset=utf-8 or no charset."));
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
            try
            {
                while (length <= maxBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), cancellationToken)) > 0)
                {
                    length += read;
                }
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // Kestrel reads a chunked body ahead of us and counts it against the server's own limit: past that
                // limit the body is too large by either measure.
                return (null, ProblemTypes.Result(ProblemTypes.BodyTooLarge));
            }

            if (length > maxBytes)
            {
                return (null, ProblemTypes.Result(ProblemTypes.BodyTooLarge));
            }

            try
            {
                var json = buffer.AsSpan(0, length);
                if (json.StartsWith(Utf8Bom))
                {
                    json = json[Utf8Bom.Length..]; // some clients (PowerShell 5, .NET's UTF8Encoding(true)) send one
                }

                var value = JsonSerializer.Deserialize<T>(json, jsonOptions.Value.SerializerOptions);
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
