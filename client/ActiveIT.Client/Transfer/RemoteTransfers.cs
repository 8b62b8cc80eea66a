using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Transfer;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Client.Transfer;

/// <summary>Transfers on a silo: POST /v1/transfers followed to its end, and the reads under /v1/transfers/{out}.</summary>
internal static class RemoteTransfers
{
    private sealed record Line(int? Done, int? Total, long? Requests, long? Tokens, decimal? Cost, TransferRunState? Run, string? Error);

    public static async Task<TransferRunState> RunAsync(HttpClient http, TransferRequest body, IProgress<TransferProgress> progress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/transfers") { Content = JsonContent.Create(body, options: Json.Options) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await SiloHttp.EnsureSuccessAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            var line = JsonSerializer.Deserialize<Line>(text, Json.Options)!;
            if (line.Error is { } error)
            {
                throw new InvalidOperationException(error);
            }
            if (line.Run is { } run)
            {
                return run;
            }
            progress.Report(new TransferProgress(line.Done ?? 0, line.Total ?? 0, new TransferSpend(line.Requests ?? 0, line.Tokens ?? 0, 0, line.Cost ?? 0)));
        }
        throw new HttpRequestException("the silo closed the transfer stream before the run's state");
    }

    public static async Task<TransferRunState> GetAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferRunState>(await http.GetAsync($"v1/transfers/{Uri.EscapeDataString(outPool)}", cancellationToken), cancellationToken);

    public static async Task<TransferTaskView> TaskAsync(HttpClient http, string outPool, string taskId, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferTaskView>(await http.GetAsync(
            $"v1/transfers/{Uri.EscapeDataString(outPool)}/tasks/{Uri.EscapeDataString(taskId)}", cancellationToken), cancellationToken);

    public static async Task<IReadOnlyList<TransferTaskView>> AllAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<List<TransferTaskView>>(await http.GetAsync($"v1/transfers/{Uri.EscapeDataString(outPool)}/tasks", cancellationToken), cancellationToken);
}
