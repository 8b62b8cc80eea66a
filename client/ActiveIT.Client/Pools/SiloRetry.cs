using System.Net;

namespace ActiveIT.Client.Pools;

/// <summary>
/// Retries what a silo could not answer — a 503 (a silo of the cluster went away; it says when to retry) or a connection
/// that failed or broke before a reply — with growing pauses, when repeating the request is safe: reads, PUT and DELETE,
/// and writes that carry an Idempotency-Key (the silo applies a key once and answers its retries with the first outcome).
/// Other replies, 500s included, go to the caller as they are.
/// </summary>
internal sealed class SiloRetry(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Tries in all; the pauses between them grow 0.5, 1, 2, 4, 8 s (or what Retry-After asks, up to 10 s).</summary>
    public const int Attempts = 6;

    /// <summary>Writes each retry here (null: nowhere), so a user sees why a command waits.</summary>
    public static TextWriter? Log { get; set; } = Console.Error;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var safe = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Put
            || request.Method == HttpMethod.Delete || request.Headers.Contains("Idempotency-Key");
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan pause;
            string why;
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || !safe || attempt == Attempts)
                {
                    return response;
                }
                pause = response.Headers.RetryAfter?.Delta is { } asked ? TimeSpan.FromSeconds(Math.Min(asked.TotalSeconds, 10)) : Backoff(attempt);
                why = "503 from the silo";
                response.Dispose();
            }
            catch (HttpRequestException e) when (safe && attempt < Attempts && e.StatusCode is null && !cancellationToken.IsCancellationRequested)
            {
                pause = Backoff(attempt);
                why = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : e.HttpRequestError.ToString();
            }
            Log?.WriteLine($"activeit: {request.Method} {request.RequestUri?.AbsolutePath}: {why}; retry {attempt} of {Attempts - 1} in {pause.TotalSeconds:0.#} s");
            await Task.Delay(pause, cancellationToken);
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(0.5 * Math.Pow(2, attempt - 1));
}
