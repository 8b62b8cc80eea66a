using ActiveIT.Client.Pools;
using ActiveIT.Core.Transfer;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Transfer;
using ActiveIT.Runs.Transfer;

namespace ActiveIT.Client.Transfer;

/// <summary>
/// Transfers on a silo, as runs of kind "transfer" named by their output pool: created (the same request again finds
/// the run it made), started, and followed through their events until they stop. The run goes on without this
/// client: a client that goes away (Ctrl+C, a lost connection) leaves it to the silo, and running the command again
/// follows it to its end.
/// </summary>
internal static class RemoteTransfers
{
    private const string Runs = "v1/runs/transfer";

    public static async Task<TransferRunState> RunAsync(HttpClient http, TransferRequest body, IProgress<TransferProgress> progress, CancellationToken cancellationToken)
    {
        var last = await SiloHttp.RunAsync<TransferRunState>(http, RunKinds.Transfer, body.OutPool, body, run =>
            progress.Report(new TransferProgress(run.Outcomes.Count, run.Tasks, new TransferSpend(run.Requests, run.PromptTokens, run.CompletionTokens, run.Cost))),
            cancellationToken);
        return last.Status is not (RunStatus.Queued or RunStatus.Running)
            ? last
            : throw new HttpRequestException($"the silo closed the events of transfer '{body.OutPool}' while it was {last.Status.ToString().ToLowerInvariant()}");
    }

    public static async Task<TransferRunState> GetAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferRunState>(await http.GetAsync($"{Runs}/{Uri.EscapeDataString(outPool)}", cancellationToken), cancellationToken);

    public static async Task<TransferTaskView> TaskAsync(HttpClient http, string outPool, string taskId, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferTaskView>(await http.GetAsync(
            $"{Runs}/{Uri.EscapeDataString(outPool)}/tasks/{Uri.EscapeDataString(taskId)}", cancellationToken), cancellationToken);

    public static async Task<IReadOnlyList<TransferTaskView>> AllAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<List<TransferTaskView>>(await http.GetAsync($"{Runs}/{Uri.EscapeDataString(outPool)}/tasks", cancellationToken), cancellationToken);
}
