using ActiveIT.Runs.Transfer;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Transfer;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Client.Transfer;

/// <summary>Transfers on a silo: POST /v1/transfers followed to its end, and the reads under /v1/transfers/{out}.</summary>
internal static class RemoteTransfers
{
    private sealed record Line(int? Done, int? Total, long? Requests, long? Tokens, decimal? Cost, TransferRunState? Run, string? Error) : SiloHttp.IStreamLine;

    public static Task<TransferRunState> RunAsync(HttpClient http, TransferRequest body, IProgress<TransferProgress> progress, CancellationToken cancellationToken)
        => SiloHttp.FollowAsync<Line, TransferRunState>(http, "v1/transfers", body, line =>
        {
            if (line.Run is null)
            {
                progress.Report(new TransferProgress(line.Done ?? 0, line.Total ?? 0, new TransferSpend(line.Requests ?? 0, line.Tokens ?? 0, 0, line.Cost ?? 0)));
            }
            return line.Run;
        }, cancellationToken);

    public static async Task<TransferRunState> GetAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferRunState>(await http.GetAsync($"v1/transfers/{Uri.EscapeDataString(outPool)}", cancellationToken), cancellationToken);

    public static async Task<TransferTaskView> TaskAsync(HttpClient http, string outPool, string taskId, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferTaskView>(await http.GetAsync(
            $"v1/transfers/{Uri.EscapeDataString(outPool)}/tasks/{Uri.EscapeDataString(taskId)}", cancellationToken), cancellationToken);

    public static async Task<IReadOnlyList<TransferTaskView>> AllAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<List<TransferTaskView>>(await http.GetAsync($"v1/transfers/{Uri.EscapeDataString(outPool)}/tasks", cancellationToken), cancellationToken);
}
